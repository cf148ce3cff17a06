"""The points economy: ledger, earning rules, merchants, offers, redemption, vouchers."""
