"""Tortoise models, one module per aggregate. No business rules live here."""

APP_LABEL = "gridpoints"

MODEL_MODULES = [
    "models.grid",
    "models.people",
    "models.ledger",
    "models.market",
    "models.civic",
    "models.points",
    "models.venues",
]
