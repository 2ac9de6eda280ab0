"""Classification as dated data: HS codes to items, partners to regions."""

from .partners import Membership, membership
from .rules import NON_ICT, Decision, Scheme, scheme
from .taxonomy import Regions, Taxonomy, regions, scheme_in_use, taxonomy, using_scheme

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
    "scheme_in_use",
    "taxonomy",
    "using_scheme",
]
