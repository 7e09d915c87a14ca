#!/usr/bin/env python3
"""HTML article parsing, before and after: the reader of today (``verifier.article.html``) against
the one of an earlier commit (by default the hand-written tokenizer it replaced), in the same run.

Both convert the same pages: the HTML fixtures, and pages made from the fixture and evaluation
articles' paragraphs, wrapped as a news site wraps them (navigation, scripts, JSON-LD, share
widgets, a footer; inline links, emphasis and character references), of about 5 kB, 50 kB and
500 kB. Rounds alternate which reader goes first; each page's time is the median over the rounds.
The earlier reader is loaded from git (``git show REV:verifier/article/html.py``), so the
checkout must be a git clone with that commit. Also prints how many pages' text differs.

    python benchmarks/bench_html.py [--rounds 7] [--before 6a81b80]
"""
from __future__ import annotations

import argparse
import html
import random
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verifier.article.html import html_to_text  # noqa: E402
from verifier.article.load import load_article  # noqa: E402

TOKENIZER = "6a81b80"   # the last commit with the hand-written tokenizer (verifier/article/html.py)
SIZES = (5_000, 50_000, 500_000)


def reader_at(rev: str):
    """``html_to_text`` as it was at commit ``rev``."""
    try:
        code = subprocess.run(["git", "show", f"{rev}:verifier/article/html.py"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit(f"bench_html: cannot read verifier/article/html.py at {rev} from git ({exc}); "
                 "run it in a clone that has that commit, or give --before")
    module = types.ModuleType(f"html_at_{rev}")
    module.__file__ = f"{rev}:verifier/article/html.py"
    sys.modules[module.__name__] = module   # dataclasses look their module up
    exec(compile(code, module.__file__, "exec"), module.__dict__)
    return module.html_to_text


def paragraphs() -> list[str]:
    found = []
    for folder in (ROOT / "fixtures" / "articles", ROOT / "benchmarks" / "evalset" / "articles"):
        for path in sorted(folder.glob("*")):
            if path.suffix in (".txt", ".md") and path.name != "README.md":
                text = load_article(str(path)).text
                found += [" ".join(p.split()) for p in text.split("\n\n") if len(p.split()) > 8]
    return found


def news_page(paras: list[str], size: int, rng: random.Random) -> str:
    """A news site's page of about ``size`` characters around the paragraphs."""
    head = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story | The Estmark Courier</title>'
            '<meta property="og:title" content="Story"><meta name="author" content="A. Reporter">'
            '<meta property="article:published_time" content="2025-03-12T08:00:00Z">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-03-12"}</script>'
            '<script>window.dataLayer = []; if (a < b && c > d) { track("<p>"); }</script>'
            '<style>p { margin: 0 } .share a { color: red }</style></head><body>'
            '<header class="site-header"><nav role="navigation"><ul>'
            + "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(12))
            + '</ul></nav></header><main><article class="story"><h1>A story</h1>'
            '<p class="byline">By <a href="/a">A. Reporter</a> &middot; <time datetime="2025-03-12">12 March</time></p>')
    tail = ('<div class="share"><a href="#">Share</a> <a href="#">Tweet</a></div></article>'
            '<aside class="related"><h2>Related</h2><ul><li><a href="/x">Other story</a></li></ul></aside></main>'
            '<footer><p>&copy; 2025 The Estmark Courier</p></footer>'
            '<script src="/app.js"></script></body></html>')
    body, length = [], len(head) + len(tail)
    while length < size:
        words = rng.choice(paras).split()
        k = rng.randrange(len(words))
        words[k] = f'<a href="/topic/{k}?a=1&amp;b=2">{words[k]}</a>'
        j = rng.randrange(len(words))
        words[j] = f"<em>{words[j]}</em>"
        text = " ".join(words).replace("’", "&rsquo;").replace("—", "&mdash;")
        para = f"<p>{text}</p>\n"
        body.append(para)
        length += len(para)
        if rng.random() < 0.1:
            body.append(f'<figure><img src="/i.jpg" alt="{html.escape(words[0])}"><figcaption>A picture.</figcaption></figure>\n')
    return head + "".join(body) + tail


def pages() -> dict[str, str]:
    found = {p.name: p.read_text(encoding="utf-8") for p in
             [ROOT / "fixtures" / "articles" / "varenholm-floods.html",
              ROOT / "fixtures" / "archive" / "water-ministry-flood-statement.html",
              ROOT / "tests" / "data" / "articles" / "council.html",
              ROOT / "tests" / "data" / "fetch" / "statement.html"]}
    rng, paras = random.Random(16), paragraphs()
    for size in SIZES:
        for n in range(3):
            found[f"news-{size // 1000}kB-{n}"] = news_page(paras, size, rng)
    return found


def timed(reader, src: str) -> float:
    started = time.perf_counter()
    reader(src, "bench.html")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--before", default=TOKENIZER, help="the commit whose reader is 'before' (default: %(default)s)")
    args = parser.parse_args()
    readers = {"before": reader_at(args.before), "now": html_to_text}
    corpus = pages()
    times: dict[str, dict[str, list[float]]] = {k: {name: [] for name in corpus} for k in readers}
    for r in range(args.rounds):
        order = list(readers) if r % 2 == 0 else list(reversed(readers))
        for name, src in corpus.items():
            for k in order:
                times[k][name].append(timed(readers[k], src))
    total = {k: sum(statistics.median(v) for v in times[k].values()) for k in readers}
    size = sum(len(s) for s in corpus.values())
    differ = [name for name, src in corpus.items()
              if readers["before"](src, "x").text != readers["now"](src, "x").text]
    print(f"{len(corpus)} pages, {size / 1e6:.2f} MB, {args.rounds} rounds (alternating which goes first)")
    for name in sorted(corpus, key=lambda n: len(corpus[n])):
        b, n = (statistics.median(times[k][name]) * 1000 for k in ("before", "now"))
        print(f"  {name:40} {len(corpus[name]) / 1000:8.1f} kB  before {b:8.2f} ms  now {n:8.2f} ms  ({n / b:.2f}x)")
    b, n = total["before"], total["now"]
    print(f"all pages: before ({args.before}) {b * 1000:.1f} ms = {size / b / 1e6:.2f} MB/s; "
          f"now {n * 1000:.1f} ms = {size / n / 1e6:.2f} MB/s; now/before {n / b:.2f}x")
    print(f"pages whose text differs: {len(differ)}" + (f" ({', '.join(differ)})" if differ else ""))


if __name__ == "__main__":
    main()
