"""The learned context model: a multi-label linear classifier over lemma and character features.

Runs on NumPy alone (no scikit-learn at run time); trained by `scripts/train_context_model.py`
from `linker/training/corpus/*.tsv` and shipped as `linker/data/context_model.{npz,json}`.
"""

from linker.context.features import Features, featurize, featurize_text
from linker.context.model import ContextModel, Prediction, context_model

__all__ = ["ContextModel", "Features", "Prediction", "context_model", "featurize", "featurize_text"]
