"""The running GridPoints service: settings, app, auth, adapters, jobs and CLI."""
