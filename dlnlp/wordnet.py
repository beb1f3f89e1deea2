"""WordNet for the book: NLTK's reader over the first copy of WordNet found, or, with none, a
small excerpt of WordNet 3.0 built into this module.

>>> from dlnlp import wordnet
>>> wn = wordnet.load()              # doctest: +SKIP
dlnlp.wordnet: WordNet 3.0 from /usr/share/wordnet (Debian's wordnet-base), read by NLTK 3.10.4.
>>> wn.synsets("panda")[0].hypernyms()          # doctest: +SKIP
[Synset('procyonid.n.01')]

:func:`load` looks, in order, in

1. ``$DLNLP_WORDNET``: a folder of WordNet database files (``data.noun``, ``index.noun``, ...);
2. NLTK's data path, where ``nltk.download("wordnet")`` puts it (``$NLTK_DATA`` moves it);
3. ``/usr/share/wordnet``, Debian's and Ubuntu's package ``wordnet-base``;
4. the network: ``nltk.download("wordnet")`` (skipped when ``DLNLP_OFFLINE=1``).

Steps 1-4 need NLTK (``pip install nltk``). When they all fail, :func:`load` returns the
:class:`Excerpt`: the synsets the book's first chapter looks up, behind the same method names as
NLTK's ``Synset`` (``name``, ``pos``, ``definition``, ``lemma_names``, ``hypernyms``,
``hyponyms``). Either way it prints one line saying which source it used.

The excerpt lists facts from WordNet 3.0 (Miller 1995): synset names, lemmas and hypernym links;
its definitions are paraphrased for this book, not WordNet's own glosses. :func:`load` uses the
real WordNet whenever it is installed.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from dlnlp.data import DataUnavailable
from dlnlp.data.fetch import _flag

DEBIAN_DIR = Path("/usr/share/wordnet")
_GET_IT = "pip install nltk, then nltk.download('wordnet') or apt-get install wordnet-base"

# WordNet's 45 lexicographer files, numbered as in lexnames(5WN). NLTK's reader needs them in a
# file called ``lexnames``, which Debian's wordnet-base leaves out.
_LEXNAMES = """
adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body
noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location
noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process
noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body
verb.change verb.cognition verb.communication verb.competition verb.consumption verb.contact
verb.creation verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative
verb.weather adj.ppl
""".split()
_CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}
_LEXNAMES_FILE = "".join(
    f"{i:02d}\t{name}\t{_CATEGORY[name.split('.')[0]]}\n" for i, name in enumerate(_LEXNAMES)
)


def load():
    """WordNet as NLTK's ``WordNetCorpusReader``, or the :class:`Excerpt` (see module docstring).

    Prints one line naming the source. Raises :class:`~dlnlp.data.DataUnavailable` when
    ``$DLNLP_WORDNET`` is set but holds no WordNet database.
    """
    folder = os.environ.get("DLNLP_WORDNET")
    if folder and not _is_wordnet_dir(Path(folder).expanduser()):
        raise DataUnavailable(
            f"dlnlp.wordnet: DLNLP_WORDNET={folder} holds no WordNet database (data.noun, "
            "index.noun, ...). Point it at a WordNet dict folder such as /usr/share/wordnet, "
            "or unset it."
        )
    try:
        import nltk
    except ImportError:
        return _excerpt("NLTK is not installed")
    version = f"read by NLTK {nltk.__version__}"
    if folder:
        return _announce(read(folder), f"from {folder} ($DLNLP_WORDNET), {version}")
    found = _nltk_data(nltk)
    if found is None and _is_wordnet_dir(DEBIAN_DIR):
        return _announce(read(DEBIAN_DIR), f"from {DEBIAN_DIR} (Debian's wordnet-base), {version}")
    if found is None:
        missing = f"NLTK found no WordNet in its data path or {DEBIAN_DIR}"
        if _flag("DLNLP_OFFLINE"):
            return _excerpt(f"{missing} (DLNLP_OFFLINE=1)")
        found = _download(nltk)
        if found is None:
            return _excerpt(f"{missing} and could not download it")
    from nltk.corpus import wordnet as wn

    wn.ensure_loaded()
    return _announce(wn, f"from NLTK's data ({found}), {version}")


def read(folder: str | Path):
    """NLTK's ``WordNetCorpusReader`` over a folder of WordNet database files.

    Works on NLTK's layout and on Debian's, which has no ``lexnames`` file (the list is built
    in here). Multilingual (Open Multilingual Wordnet) lookups are not set up.
    """
    import warnings

    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    class Reader(WordNetCorpusReader):
        def open(self, fileid):
            if fileid == "lexnames":
                return io.StringIO(_LEXNAMES_FILE)
            return super().open(fileid)

        def map_wn(self, version="wordnet"):
            return None  # maps synsets for multilingual data, which this reader does not load

    root = str(Path(folder).expanduser().resolve())
    if root not in nltk.data.path:
        nltk.data.path.append(root)  # NLTK >= 3.9.4 reads only below its data path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available"
        return Reader(root, None)


def _is_wordnet_dir(folder: Path) -> bool:
    return all((folder / f"{kind}.noun").is_file() for kind in ("data", "index"))


def _nltk_data(nltk) -> str | None:
    """Where NLTK's own loader would find WordNet, or None."""
    for resource in ("corpora/wordnet.zip/wordnet/", "corpora/wordnet"):
        with contextlib.suppress(LookupError):
            found = nltk.data.find(resource)
            zipped = getattr(found, "zipfile", None)
            return zipped.filename if zipped is not None else found.path
    return None


def _download(nltk) -> str | None:
    """``nltk.download("wordnet")``, silenced; where it put WordNet, or None if it failed."""
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
        try:
            done = nltk.download("wordnet", quiet=True, print_error_to=quiet)
        except Exception:  # whatever went wrong, WordNet did not come from the network
            done = False
    return _nltk_data(nltk) if done else None


def _announce(wn, where: str):
    print(f"dlnlp.wordnet: WordNet {wn.get_version()} {where}.", flush=True)
    return wn


def _excerpt(why: str) -> Excerpt:
    wn = Excerpt()
    print(
        f"dlnlp.wordnet: {why}, so this uses the excerpt of WordNet 3.0 built into dlnlp.wordnet "
        f"({len(wn.words)} words, {len(_SYNSETS)} synsets: those the book looks up; definitions "
        "paraphrased, not WordNet's glosses). "
        f"For all of WordNet: {_GET_IT}.",
        flush=True,
    )
    return wn


class Excerpt:
    """The synsets of WordNet 3.0 that the book looks up, read like NLTK's reader.

    ``synsets(word)`` knows the words in ``words`` (all their synsets, in WordNet's order,
    including words WordNet lacks, with none); any other word raises ``LookupError``.
    """

    def __init__(self) -> None:
        self.words: dict[str, list[str]] = {w: names.split() for w, names in _WORDS.items()}
        self._records = {record[0]: record for record in _SYNSETS}

    def get_version(self) -> str:
        return "3.0"

    def synsets(self, lemma: str, pos: str | None = None) -> list[ExcerptSynset]:
        """The synsets of ``lemma``; ``pos`` ("n", "v", "a", "r") keeps one part of speech."""
        key = lemma.lower().replace(" ", "_")
        if key not in self.words:
            raise LookupError(
                f"dlnlp.wordnet: {lemma!r} is not in the built-in excerpt, which knows only "
                f"{', '.join(self.words)}. For all of WordNet: {_GET_IT}."
            )
        found = [self.synset(name) for name in self.words[key]]
        return [s for s in found if pos is None or s.pos() == pos or (pos, s.pos()) == ("a", "s")]

    def synset(self, name: str) -> ExcerptSynset:
        """The synset called ``name`` (e.g. ``"hotel.n.01"``)."""
        return ExcerptSynset(name, self)


class ExcerptSynset:
    """One synset of the :class:`Excerpt`, with NLTK's ``Synset`` method names.

    A synset that the excerpt only names (as some synset's hypernym) knows just its ``name``.
    """

    def __init__(self, name: str, excerpt: Excerpt) -> None:
        self._name, self._excerpt = name, excerpt

    def name(self) -> str:
        return self._name

    def pos(self) -> str:
        """Part of speech: "n" noun, "v" verb, "a" adjective, "s" satellite, "r" adverb."""
        return self._name.rsplit(".", 2)[1]

    def lemma_names(self) -> list[str]:
        return self._field(1, "lemma names").split()

    def hypernyms(self) -> list[ExcerptSynset]:
        return [self._excerpt.synset(n) for n in self._field(2, "hypernyms").split()]

    def hyponyms(self) -> list[ExcerptSynset]:
        return [self._excerpt.synset(n) for n in self._field(3, "hyponyms").split()]

    def definition(self) -> str:
        return self._field(4, "definition")

    def _field(self, i: int, what: str):
        record = self._excerpt._records.get(self._name)
        if record is None or record[i] is None:
            raise LookupError(
                f"dlnlp.wordnet: the built-in excerpt does not hold the {what} of {self._name}. "
                f"For all of WordNet: {_GET_IT}."
            )
        return record[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExcerptSynset) and other._name == self._name

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        return f"Synset('{self._name}')"


# The excerpt: facts from WordNet 3.0 (Miller 1995): synset names, lemma names and hypernym and
# hyponym links, checked against the real database by tests/test_wordnet.py. The definitions
# are not WordNet's glosses but short paraphrases written for this book; load() returns the
# real WordNet, with its own glosses, whenever it is installed. Hypernyms and hyponyms are
# sorted by name.

_WORDS = {  # word: its synsets, in WordNet's order
    "good": (
        "good.n.01 good.n.02 good.n.03 commodity.n.01 good.a.01 full.s.04 "
        "good.a.03 estimable.s.01 beneficial.s.01 good.s.04 good.s.05 adept.s.01 "
        "good.s.07 dear.s.02 dependable.s.03 good.s.10 good.s.11 effective.s.03 "
        "good.s.13 good.s.14 good.s.15 good.s.16 good.s.17 good.s.18 good.s.19 "
        "well.r.01 thoroughly.r.02"
    ),
    "panda": "giant_panda.n.01 lesser_panda.n.01",
    "motel": "motel.n.01",
    "hotel": "hotel.n.01",
    "wicked": "wicked.a.01 sinful.s.02 severe.s.01 arch.s.03 disgusting.s.01",
    "internet": "internet.n.01",
    "laptop": "laptop.n.01",
    "selfie": "",
    "emoji": "",
    "hashtag": "",
    "smartphone": "",
    "app": "",
    "bitcoin": "",
    "unfriend": "",
    "wiki": "",
}
# name, lemma names, hypernyms, hyponyms (None: not in the excerpt), definition (paraphrased)
_SYNSETS = (
    ("good.n.01", "good", "advantage.n.01", None, "what works to someone's advantage"),
    (
        "good.n.02",
        "good goodness",
        "morality.n.01",
        None,
        "the quality of being morally right; virtue",
    ),
    (
        "good.n.03",
        "good goodness",
        "quality.n.01",
        None,
        "whatever is worthwhile, useful or enjoyable",
    ),
    (
        "commodity.n.01",
        "commodity trade_good good",
        "artifact.n.01",
        None,
        "things made to be bought and sold",
    ),
    ("good.a.01", "good", "", None, "having the qualities one wants in such a thing"),
    ("full.s.04", "full good", "", None, "at least as much as the usual amount"),
    ("good.a.03", "good", "", None, "morally right; virtuous"),
    (
        "estimable.s.01",
        "estimable good honorable respectable",
        "",
        None,
        "worthy of people's regard and honour",
    ),
    ("beneficial.s.01", "beneficial good", "", None, "doing someone good; helpful"),
    ("good.s.04", "good", "", None, "pleasant; enjoyable"),
    ("good.s.05", "good just upright", "", None, "righteous and fair in conduct"),
    (
        "adept.s.01",
        "adept expert good practiced proficient skillful skilful",
        "",
        None,
        "skilled and capable at something",
    ),
    ("good.s.07", "good", "", None, "complete and careful"),
    ("dear.s.02", "dear good near", "", None, "closely connected, as a friend or relative"),
    (
        "dependable.s.03",
        "dependable good safe secure",
        "",
        None,
        "safe to invest in; financially reliable",
    ),
    ("good.s.10", "good right ripe", "", None, "best fitted to the purpose at hand"),
    ("good.s.11", "good well", "", None, "turning out well"),
    (
        "effective.s.03",
        "effective good in_effect in_force",
        "",
        None,
        "currently valid or in operation, as a rule or law",
    ),
    ("good.s.13", "good", "", None, "giving pleasure to the senses"),
    ("good.s.14", "good serious", "", None, "worth serious thought; intellectually rewarding"),
    ("good.s.15", "good sound", "", None, "healthy and working well"),
    ("good.s.16", "good salutary", "", None, "wholesome; helps keep the body healthy"),
    ("good.s.17", "good honest", "", None, "genuine rather than fake"),
    ("good.s.18", "good undecomposed unspoiled unspoilt", "", None, "still fresh; not gone bad"),
    ("good.s.19", "good", "", None, "widely thought well of"),
    (
        "well.r.01",
        "well good",
        "",
        None,
        "properly, competently or satisfactorily (casually also 'good')",
    ),
    (
        "thoroughly.r.02",
        "thoroughly soundly good",
        "",
        None,
        "entirely; to the full (casually also 'good')",
    ),
    (
        "giant_panda.n.01",
        "giant_panda panda panda_bear coon_bear Ailuropoda_melanoleuca",
        "procyonid.n.01",
        None,
        "bear-like black and white bamboo eater of China",
    ),
    (
        "lesser_panda.n.01",
        "lesser_panda red_panda panda bear_cat cat_bear Ailurus_fulgens",
        "procyonid.n.01",
        None,
        "small red-furred Asian animal resembling a raccoon",
    ),
    (
        "motel.n.01",
        "motel",
        "motor_hotel.n.01",
        None,
        "roadside hotel for people travelling by car",
    ),
    (
        "hotel.n.01",
        "hotel",
        "building.n.01",
        (
            "fleabag.n.01 hostel.n.01 motor_hotel.n.01 resort.n.01 resort_hotel.n.02 "
            "ritz.n.03 ski_lodge.n.01"
        ),
        "a business that rents rooms and serves meals to guests",
    ),
    ("wicked.a.01", "wicked", "", None, "evil; deliberately doing wrong"),
    ("sinful.s.02", "sinful unholy wicked", "", None, "guilty of wrongdoing"),
    ("severe.s.01", "severe terrible wicked", "", None, "very bad or hard to bear"),
    (
        "arch.s.03",
        "arch impish implike mischievous pixilated prankish puckish wicked",
        "",
        None,
        "full of mischief; teasing",
    ),
    (
        "disgusting.s.01",
        (
            "disgusting disgustful distasteful foul loathly loathsome repellent "
            "repellant repelling revolting skanky wicked yucky"
        ),
        "",
        None,
        "so nasty it turns your stomach",
    ),
    (
        "internet.n.01",
        "internet net cyberspace",
        "computer_network.n.01",
        None,
        "the global network of networks, linked by TCP/IP",
    ),
    (
        "laptop.n.01",
        "laptop laptop_computer",
        "portable_computer.n.01",
        None,
        "light computer you can carry and use on your knees",
    ),
    ("procyonid.n.01", "procyonid", "carnivore.n.01", None, "a member of the raccoon family"),
    ("carnivore.n.01", "carnivore", "placental.n.01", None, "a meat-eating mammal of land or sea"),
    (
        "placental.n.01",
        "placental placental_mammal eutherian eutherian_mammal",
        "mammal.n.01",
        None,
        "a mammal that nourishes its unborn young through a placenta",
    ),
    (
        "mammal.n.01",
        "mammal mammalian",
        "vertebrate.n.01",
        None,
        "warm-blooded animal with hair that feeds its young milk",
    ),
    (
        "vertebrate.n.01",
        "vertebrate craniate",
        "chordate.n.01",
        None,
        "an animal with a backbone and a skull",
    ),
    (
        "chordate.n.01",
        "chordate",
        "animal.n.01",
        None,
        "an animal with a backbone or at least a notochord",
    ),
    (
        "animal.n.01",
        "animal animate_being beast brute creature fauna",
        "organism.n.01",
        None,
        "a living being that can move of its own accord",
    ),
    (
        "organism.n.01",
        "organism being",
        "living_thing.n.01",
        None,
        "an individual life form that can function by itself",
    ),
    (
        "living_thing.n.01",
        "living_thing animate_thing",
        "whole.n.02",
        None,
        "something that is alive or once was",
    ),
    ("whole.n.02", "whole unit", "object.n.01", None, "parts taken together as one thing"),
    (
        "object.n.01",
        "object physical_object",
        "physical_entity.n.01",
        None,
        "a physical thing you can see and touch",
    ),
    (
        "physical_entity.n.01",
        "physical_entity",
        "entity.n.01",
        None,
        "something that exists in the material world",
    ),
    ("entity.n.01", "entity", "", None, "anything that exists as a thing in its own right"),
    (
        "motor_hotel.n.01",
        "motor_hotel motor_inn motor_lodge tourist_court court",
        "hotel.n.01",
        None,
        "roadside lodging for drivers, parking right by each room",
    ),
    (
        "building.n.01",
        "building edifice",
        "structure.n.01",
        None,
        "a permanent structure with walls and a roof",
    ),
    (
        "structure.n.01",
        "structure construction",
        "artifact.n.01",
        None,
        "something built, usually from many parts",
    ),
    ("artifact.n.01", "artifact artefact", "whole.n.02", None, "something made by human hands"),
    ("ski_lodge.n.01", "ski_lodge", "hotel.n.01", None, "lodging for skiers near the slopes"),
    (
        "hostel.n.01",
        "hostel hostelry inn lodge auberge",
        "hotel.n.01",
        None,
        "a simple place to spend the night while travelling",
    ),
    ("fleabag.n.01", "fleabag", "hotel.n.01", None, "a shabby, cheap hotel"),
    ("ritz.n.03", "Ritz", "hotel.n.01", None, "a showily luxurious hotel"),
    (
        "resort_hotel.n.02",
        "resort_hotel spa",
        "hotel.n.01",
        None,
        "a stylish hotel, typically at a holiday resort",
    ),
    (
        "resort.n.01",
        "resort resort_hotel holiday_resort",
        "hotel.n.01",
        None,
        "a holiday hotel at a vacation spot",
    ),
)
