"""Figures in a release or news text (English or Korean), each read as a claim about the facts.

A text is cut into sentences; in each, every amount (money, growth rate, share) and event
(streak, turn, record, rank) is read with its period (``periods``) and subject (``subjects``).
Words come from data files (``lexicon``): names from taxonomy.csv, regions.csv and
synonyms.csv, the rest of the grammar from claim_words.csv.
"""

from .lexicon import Mention, mentions
from .model import MEASURES, Claim
from .read import extract
from .sentences import sentences

__all__ = ["MEASURES", "Claim", "Mention", "extract", "mentions", "sentences"]
