"""Classification as dated data: HS codes to items, partners to regions."""

from .partners import Membership, membership
from .rules import NON_ICT, Decision, Scheme, scheme
from .taxonomy import Regions, Taxonomy, regions, taxonomy

__all__ = [
    "NON_ICT",
    "Decision",
    "Membership",
    "Regions",
    "Scheme",
    "Taxonomy",
    "membership",
    "regions",
    "scheme",
    "taxonomy",
]
