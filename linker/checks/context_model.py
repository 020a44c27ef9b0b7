"""The learned context model as a check: blocks sensitive sentences, and reads protective or
troubleshooting framing that clears the lexicons' paragraph verdicts (see checks/document.py)."""

from __future__ import annotations

from linker.candidate import Sentence
from linker.checks import Candidate, Reason, register
from linker.context import Prediction, context_model, featurize, featurize_text
from linker.phrases import cue_phrases
from linker.reasons import with_words
from linker.scan_context import ScanContext

CHECK_NAME = "context_model"
PARAGRAPH_CHARS = 2000  # a paragraph is read from its start up to here
# Complaint, rejection and sarcasm have the least training data and the lexicon checks
# (complaint, negation) already cover them: the model adds only its confident readings.
TONE_FLOOR = 0.5
DOMINANCE = 0.5  # a topic this close to the framing reading keeps the lexicons' verdict
PARAGRAPH_TOPICS = True  # a topic read in the rest of the paragraph blocks the candidate too
SARCASM_WITHOUT_PRAISE = 0.9  # a sarcasm reading without a praise word must be at least this sure
TOPICS = frozenset(
    {"death_injury", "accident_disaster", "crime_violence", "self_harm", "illness_bereavement"}
)


def blocking(prediction: Prediction) -> list[str]:
    """The sensitive categories over threshold that also outweigh the safe readings (ordinary
    text, and protective or troubleshooting framing over its threshold)."""
    probs = prediction.probabilities
    safe = max([probs.get("neutral", 0.0)] + [probs[label] for label in prediction.framing])
    return [
        label
        for label in prediction.sensitive
        if probs[label] > safe and (label in TOPICS or probs[label] >= TONE_FLOOR)
    ]


def safely_framed(prediction: Prediction) -> bool:
    """Protective or troubleshooting framing over threshold that clearly dominates: no topic
    (death, disaster, crime, self-harm, illness) over its own threshold or at half the framing's
    probability, and no tone reading (complaint...) outweighing it."""
    if not prediction.framing or set(prediction.sensitive) & TOPICS:
        return False
    probs = prediction.probabilities
    framing = max(probs[label] for label in prediction.framing)
    if any(probs[label] >= framing * DOMINANCE for label in TOPICS if label in probs):
        return False
    return all(probs[label] < framing for label in prediction.sensitive)


def _sentence_prediction(sentence: Sentence, lang: str) -> Prediction:
    model = context_model()
    return model.predict(featurize(sentence.tokens, sentence.lemmas, model.bits))


def _paragraph_prediction(paragraph: Sentence, lang: str) -> Prediction:
    model = context_model()
    return model.predict(featurize_text(paragraph.text, lang, model.bits))


def paragraph_prediction(ctx, paragraph: int) -> Prediction:
    """The model's reading of a paragraph, computed once per scan (ScanContext.per_sentence caches it)."""
    start, end = ctx.doc.paragraphs[paragraph]
    text = ctx.doc.text[start : min(end, start + PARAGRAPH_CHARS)]
    return ctx.per_sentence(_paragraph_prediction, Sentence(text, start, [], [], 0, 0))


def framing_clears(ctx, paragraph: int) -> bool:
    """True when the model runs in this policy and reads the paragraph as protective/troubleshooting."""
    chosen = ctx.policy.checks  # None: every registered check runs
    return (chosen is None or CHECK_NAME in chosen) and safely_framed(paragraph_prediction(ctx, paragraph))


def _plausible(label: str, prediction: Prediction, sentence: Sentence, lang: str) -> bool:
    """Sarcasm is praise meeting a letdown (Riloff et al. 2013): without a praise word in the
    sentence the model's sarcasm reading must be near-certain (plain "every month" is not sarcasm)."""
    if label != "sarcasm" or prediction.probabilities[label] >= SARCASM_WITHOUT_PRAISE:
        return True
    return bool(sentence.cue_words(cue_phrases(lang).get("praise")))


@register(CHECK_NAME, scope="sentence")
def context_check(candidate: Candidate, ctx: ScanContext) -> list[Reason]:
    """Block when the model reads the candidate's sentence as sensitive (a death, a crime, a
    complaint, a rejection, sarcasm...); the reason names the category and the words that weighed most."""
    sentence = candidate.sentence
    if sentence is None:
        return []
    prediction = ctx.per_sentence(_sentence_prediction, sentence)
    found = [label for label in blocking(prediction) if _plausible(label, prediction, sentence, ctx.lang)][:1]
    start, end = ctx.doc.paragraphs[candidate.paragraph]
    if not found and PARAGRAPH_TOPICS and end - start > len(sentence.text.strip()) + 1:
        # a death, a crime or an illness told in the other sentences of the paragraph taints the link too
        prediction = paragraph_prediction(ctx, candidate.paragraph)
        found = [label for label in blocking(prediction) if label in TOPICS][:1]
    return [
        with_words("context", label, prediction.words.get(label, ()), check=CHECK_NAME) for label in found
    ]
