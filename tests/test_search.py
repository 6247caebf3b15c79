"""Search with facets, sorting, paging, stable URLs, and autocomplete in both languages."""

from __future__ import annotations

import pytest
from pages_support import parse_html

from kg.views.search import FACETS, Query, SearchIndex, fold, words


@pytest.fixture(scope="module")
def index(store, built_settings, tmp_path_factory) -> SearchIndex:
    return SearchIndex.load(store, built_settings.vocab, tmp_path_factory.mktemp("search"))


def test_folding():
    assert fold("Straße München") == "strasse munchen"
    assert {"muenchen", "munchen"} <= words("München")


def test_every_use_case_is_indexed(index, store, built_settings):
    usecase = built_settings.vocab.term("UseCase")
    rows = store.select(f"SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE {{ ?u a <{usecase}> }}")
    assert len(index.entries) == int(rows[0]["n"].value) >= 40
    assert all(e.titles.get("de") and e.titles.get("en") for e in index.entries)


def test_text_matches_either_language(index):
    german = index.search(Query(text="Luftqualität"))
    english = index.search(Query(text="air quality"))
    assert german.total > 0 and english.total > 0
    assert {e.iri for e in german.items} & {e.iri for e in english.items}


def test_prefix_and_accent_insensitive(index):
    assert (
        index.search(Query(text="luftqual")).total
        == index.search(Query(text="Luftqualitat")).total
        > 0
    )


def test_no_match(index):
    assert index.search(Query(text="zzzzqqq")).total == 0


def test_facets_have_counts_and_filter(index):
    everything = index.search(Query())
    assert set(everything.facets) == set(FACETS)
    mobility = next(v for v in everything.facets["sector"] if v.slug == "mobility")
    filtered = index.search(Query(selected={"sector": ("mobility",)}))
    assert filtered.total == mobility.count > 0
    assert all(
        "https://w3id.org/sckg/sector/mobility" in e.facets["sector"] for e in filtered.items
    )
    # a selected value keeps its alternatives visible (counts ignore the facet's own filter)
    assert len(filtered.facets["sector"]) == len(everything.facets["sector"])
    assert next(v for v in filtered.facets["sector"] if v.slug == "mobility").selected


def test_values_within_a_facet_or_and_across_facets_and(index):
    energy = index.search(Query(selected={"sector": ("energy",)})).total
    mobility = index.search(Query(selected={"sector": ("mobility",)})).total
    either = index.search(Query(selected={"sector": ("energy", "mobility")})).total
    assert max(energy, mobility) <= either <= energy + mobility
    both = index.search(Query(selected={"sector": ("mobility",), "maturity": ("pilot",)}))
    assert both.total <= mobility


def test_sorting(index):
    by_title = [e.title("en") for e in index.search(Query(sort="title"), page_size=500).items]
    assert by_title == sorted(by_title, key=fold)
    newest = [e.modified for e in index.search(Query(sort="modified"), page_size=500).items]
    assert newest == sorted(newest, reverse=True)
    order = [
        max((index.order(m) for m in e.facets.get("maturity", ())), default=0)
        for e in index.search(Query(sort="maturity"), page_size=500).items
    ]
    assert order == sorted(order, reverse=True)


def test_paging(index):
    first = index.search(Query(sort="title"), page_size=10)
    second = index.search(Query(sort="title", page=2), page_size=10)
    assert first.pages >= 2 and len(first.items) == 10
    assert not {e.iri for e in first.items} & {e.iri for e in second.items}
    assert index.search(Query(page=999), page_size=10).page == first.pages


def test_suggest_both_languages(index):
    de = index.suggest("Luftq", "de")
    en = index.suggest("air qual", "en")
    assert de and en
    assert all(set(s) >= {"iri", "label", "kind"} for s in de)
    assert index.suggest("", "en") == []


def test_filtered_view_has_a_stable_url(client):
    page = client.get("/usecases?sector=mobility&q=daten&lang=en")
    assert page.status_code == 200
    links = parse_html(page.text).links
    assert any(
        link.startswith("/usecases?") and "sector=mobility" in link and "q=daten" in link
        for link in links
    )
    again = client.get("/usecases?q=daten&sector=mobility&lang=en")
    assert again.text == page.text


def test_json_twin_of_a_search(client):
    data = client.get("/usecases.json?sector=mobility&sort=title").get_json()
    assert data["total"] == len(data["items"]) or data["pages"] > 1
    assert data["query"]["sector"] == ["mobility"]
    assert set(FACETS) == set(data["facets"])
    assert {"sector", "land", "size", "place", "org", "platform"} <= set(data["facets"])


def test_autocomplete_endpoint(client):
    found = client.get("/usecases/suggest.json?q=hamb&lang=de").get_json()
    assert found and all(item["url"].startswith("/") for item in found)
    assert client.get("/usecases/suggest.json?q=").get_json() == []


def test_bad_page_number_is_harmless(client):
    assert client.get("/usecases?page=abc").status_code == 200


@pytest.mark.parametrize(
    "selected",
    [
        {"sector": ("mobility",)},
        {"sector": ("mobility", "energy"), "maturity": ("pilot",)},
        {"maturity": ("in-operation",), "status": ("reviewed",)},
        {"place": ("hamburg",)},
    ],
)
def test_facet_counts_equal_a_plain_count(index, selected):
    """Whichever way the index counts (stored totals, per match, per facet row), the counts are
    those of the use cases matching every other facet's selection."""
    entries = index.entries
    result = index.search(Query(selected=selected), page_size=500)

    def wanted(name: str, slug: str) -> str:
        kinds = {"status": "curation"}
        return f"https://w3id.org/sckg/{kinds.get(name, name)}/{slug}"

    def matches(entry, skip=None) -> bool:
        return all(
            entry.facets.get(name, set()) & {wanted(name, s) for s in slugs}
            for name, slugs in selected.items()
            if name != skip
        )

    assert result.total == sum(matches(e) for e in entries)
    for name, values in result.facets.items():
        for value in values:
            plain = sum(
                matches(e, skip=name) and value.iri in e.facets.get(name, ()) for e in entries
            )
            assert value.count == plain, (name, value.slug)


@pytest.mark.parametrize("text", ["daten", "air quality", "hamburg", "a"])
def test_facet_counts_of_a_text_search_add_up(index, text):
    result = index.search(Query(text=text), page_size=500)
    assert len(result.items) == result.total
    assert sum(v.count for v in result.facets["status"]) == result.total  # one status each
    for name, values in result.facets.items():
        for value in values:
            assert value.count == sum(value.iri in e.facets.get(name, ()) for e in result.items)


def test_a_word_finds_its_german_and_english_inflections(index):
    # "parken" is in few texts; its German stem "park" finds "Parkplätze" and "parking" too.
    hits = index.search(Query(text="parken", lang="de"))
    marked = {fold(t) for e in hits.items for t, hit in e.snippet if hit}
    assert any(w.startswith("park") and not w.startswith("parken") for w in marked), marked
    assert hits.total >= index.search(Query(text="parkplatz")).total > 0


def test_short_stems_are_not_searched_by():
    from kg.views.search import variants

    assert variants("daten") == ["daten"]  # "dat" would find "Datum"
    assert variants("parken") == ["parken", "park"]
    assert "baum" in variants(fold("Bäume"))


@pytest.mark.parametrize("text", ["DWD", "GAIA-X", "parken", "Bürgerbeteiligung"])
def test_the_words_the_review_missed_are_found_and_shown(index, text):
    result = index.search(Query(text=text, lang="de"))
    assert result.total > 0
    wanted = fold(text).split("-")[0]
    shown = [
        e
        for e in result.items
        if any(fold(t).startswith(wanted[:4]) for t, hit in e.snippet if hit)
    ]
    assert shown, [e.snippet for e in result.items]


def test_a_snippet_is_a_passage_around_the_match_in_the_page_language():
    from kg.views.search import snippet

    text = "Erster Satz ohne Treffer. " * 6 + "Die Stadt legt Parkplätze frei. " + "Rest. " * 40
    pieces, lang = snippet({"de": text, "en": "Parking spaces are freed."}, ["parken"], "de")
    assert lang == "de"
    assert ("Parkplätze", True) in pieces
    assert pieces[0] == ("… ", False) and pieces[-1] == (" …", False)
    passage = "".join(t for t, _ in pieces)
    assert len(passage) <= 200 and "Parkplätze frei" in passage
    # only the other language matches: its passage, named as such
    pieces, lang = snippet({"de": "Nichts davon.", "en": "Parking spaces."}, ["parking"], "de")
    assert lang == "en" and pieces[0] == ("Parking", True)
    assert snippet({"de": "Nichts davon."}, ["parken"], "de") == ([], "")


def test_one_search_finds_every_kind_with_a_type_facet(client, index):
    data = client.get("/usecases.json?q=DWD&lang=de").get_json()
    assert data["total"] > 0  # use cases naming the weather service
    assert data["otherKinds"].get("org", 0) >= 1
    orgs = client.get("/usecases.json?q=DWD&type=org&lang=de").get_json()["found"]
    assert orgs["total"] == data["otherKinds"]["org"] == len(orgs["items"])
    assert any(item["id"].endswith("/org/dwd") for item in orgs["items"])
    # the type facet's counts equal a plain count of labelled resources of that kind
    for kind, n in data["otherKinds"].items():
        everyone = index.listing(kind, "de").items
        assert n == sum(
            1
            for _, label in everyone
            if "dwd" in fold(label) or "dwd" in fold(index.label(_, "en"))
        )
    page = parse_html(client.get("/usecases?q=DWD&type=org&lang=de").text)
    assert "/org/dwd" in page.links
    # without text there is no type facet, and an unknown type lists use cases
    assert client.get("/usecases.json?type=org").get_json()["otherKinds"] == {}
    assert "found" not in client.get("/usecases.json?q=DWD&type=nonsense").get_json()


def test_suggestions_name_their_kind_in_the_page_language(client):
    german = client.get("/usecases/suggest.json?q=hamb&lang=de").get_json()
    assert {"Anwendungsfall", "Ort"} & {item["kindLabel"] for item in german}
    english = client.get("/usecases/suggest.json?q=hamb&lang=en").get_json()
    assert {"Use case", "Place"} & {item["kindLabel"] for item in english}


def test_a_hit_shows_its_passage_with_the_words_marked(client):
    html = client.get("/usecases?q=parken&lang=de").text
    assert '<p class="snippet"' in html and "<mark>" in html


def test_threads_stem_words_alike() -> None:
    """Web threads share the module; each must get the stems a lone caller gets."""
    import threading

    from kg.views.search import variants

    words = [
        f"{stem}{end}"
        for stem in ("verkehrs", "messung", "parkplatz", "wasser")
        for end in ("", "en", "ungen", "daten", "s")
    ] * 40
    expected = [variants(w) for w in words]
    results: list[list[list[str]]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append([variants(w) for w in words])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [expected] * 8
