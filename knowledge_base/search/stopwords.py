"""Words a query is better off without, per language (written for this project).

Function words, pronouns, auxiliaries and the fillers of spoken requests ("how do I", "please",
"jak mogę", "prosím", "пожалуйста"). They are dropped from queries only: articles keep them, so
the lists can change without a reindex. Each list also holds its words without diacritics.
"""

from __future__ import annotations

import unicodedata

_WORDS = {
    "en": """
        a about after again all also am an and any anymore are as at be because been before being but
        by can cannot could did do does doing don done for from get gets getting got had has have
        having he her here him his how i if in into is isn it its itself just keep keeps like me
        might more most much must my myself need needs no not now of off on once only or other our
        out over please possible really she should so some something still such than that the their
        them then there these they thing things this those though through to too try trying us very
        want wanted wants was way we were what when where whether which while who why will with
        without won would yet you your yours s t d ll m ve re didn doesn wasn isn aren couldn wouldn
        shouldn haven hasn hadn
    """,
    "pl": """
        a aby ale albo ani bardzo bez bo by być był była było były chcę chcę chce chciałbym chciałabym
        ciągle co czy czyli dla do dlaczego gdy gdzie go i ich ile im inne jak jaki jakie jakiś jednak
        jego jej jest jestem jeszcze jeśli już ją kiedy kto która które który lub ma mam mi mnie mogę
        może można mój moja moje moim mojego mojej mu muszę na nad nam nas nawet nie nic nich nim no
        o od ona one oni ono oraz po pod podczas proszę przez przy się sobie sposób tak także tam te
        tego tej ten też to tylko tym u w we więc wszystko z za ze że żeby zawsze czemu coś
    """,
    "cs": """
        a aby ale ani ano asi bez by byl byla bylo byly být co což či další do i jak jaké jaký je jeho
        jej její jen jenom jestli jsem jsi jsme jsou již k kam kde kdy když ke která které který ma
        mám máme mě mi mít mně mnou můj moje mé můžu může mohu musím na nad naše ne něco nějak nějaký
        o od pak po pod pořád pro proč prosím proto při s se si sám svůj tak také tam te ten tento
        to toho tom tu ty u už v ve vždy z za ze že aby chci chtěl chtěla chtěl bych stále jde
    """,
    "ru": """
        а без бы был была были было быть в вам вас весь во вот все всё всегда всего вы где да даже для
        до его ее её если есть еще ещё же за и из или им их к как какой когда кто ли либо мне мной
        мой моя мое моё мои можно мы на над надо не нет ни но ну о об он она они оно от очень по под
        пожалуйста почему при с со так также там то тоже только у уже хочу хотел хотела чем что
        чтобы эта это этот я как-то постоянно снова
        может свой который такой сам самый себя мочь хотеть нужно надо нужен нужна нужны ваш наш твой
        через после перед между около вместо кроме пока раз каждый просто вообще опять сейчас теперь
        потом тогда почему-то какой-то никак совсем нибудь ничто ничего подсказать помочь помогите
        подскажите скажите
    """,
}


def _without_diacritics(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.replace("ł", "l"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _build(words: str, lang: str) -> frozenset[str]:
    listed = set(words.split())
    if lang in ("pl", "cs"):
        listed |= {_without_diacritics(w) for w in listed}
    return frozenset(listed)


STOPWORDS: dict[str, frozenset[str]] = {lang: _build(words, lang) for lang, words in _WORDS.items()}
