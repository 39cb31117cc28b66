"""What the packaged catalog (indicators/*.yaml) says about its sources, labels and goalposts,
checked against the research it cites: official-sources.md (where each variable really
comes from, at which level), integration-monitoring-sources.md (official definitions) and
the programme texts of MIT, M³, VOPI and MINT."""

from __future__ import annotations

import re

import pytest

import mint_index as mi
from mint_index.data.checklist import source_checklist
from mint_index.framework.model import OfficialSource
from mint_index.rules.formatting import Formatter


@pytest.fixture(scope="module")
def fw() -> mi.Framework:
    return mi.default_framework()


def _texts(source: object, lang: str) -> str:
    """Every text of a variable's source in ``lang``: proxy, note, holder."""
    parts = [getattr(source, field, None) for field in ("proxy_for", "note", "holder")]
    return " ".join(part.get(lang) for part in parts if part is not None)


# ---- levels: a Kreis or Land table gives a kreisangehörige town no value of its own -------
def test_every_kreis_or_land_source_says_the_town_needs_its_own_figure(fw: mi.Framework) -> None:
    """official-sources.md, "Levels": "A Kreis table does not give a kreisangehörige town its
    own value"; section 3.1 names what to use instead (register evaluation, Land office)."""
    above = [
        v
        for v in fw.variables
        if isinstance(v.source, OfficialSource) and v.source.level in ("Kreis", "Land")
    ]
    assert len(above) >= 10
    instead_de = ("Melderegister", "Ausländerbehörde", "Einbürgerungsbehörde", "Jobcenter")
    instead_en = ("register", "foreigners' authority", "naturalisation authority", "job centre")
    for variable in above:
        de, en = _texts(variable.source, "de"), _texts(variable.source, "en")
        assert "kreisangehörige Gemeinde" in de and "kreisangehörige town" in en, variable.id
        assert any(w in de for w in instead_de) and any(w in en for w in instead_en), variable.id


def test_no_official_source_is_a_land_table(fw: mi.Framework) -> None:
    """Both Land tables the catalog named (12521-0025, 21211-0101) give a town nothing: the
    town's foreigners' authority holds the one figure, a Land office evaluation the other."""
    levels = {v.source.level for v in fw.variables if isinstance(v.source, OfficialSource)}
    assert levels == {"Gemeinde", "Kreis"}
    tables = set(source_checklist(fw, "en").downloads["table"])
    assert not tables & {"12521-0025", "21211-0101", "22543-01-02-4", "21111-01-03-4"}
    resident = fw.variable_map["tcn_res_8y_start"].source
    assert resident.type == "self_reported" and resident.holder.de.startswith("Ausländerbehörde")
    assert "12521-0025" in resident.note.de and "kein Ersatz" in resident.note.de
    assert "12521-0025" in resident.note.en and "no substitute" in resident.note.en


# ---- tables that cannot give the variable as defined (official-sources.md 3.4) -----------
@pytest.mark.parametrize(
    ("variables", "table"),
    [
        (("kita_u3_mig", "kita_3to6_mig", "kita_u3_nonmig", "kita_3to6_nonmig"), "22543-01-02-4"),
        (
            ("grade8_foreign", "grade8_foreign_gym", "grade8_german", "grade8_german_gym"),
            "21111-01-03-4",
        ),
        (("apprentices_foreign", "apprentices_german"), "21211-0101"),
    ],
)
def test_a_table_that_cannot_give_the_variable_is_no_source(
    fw: mi.Framework, variables: tuple[str, ...], table: str
) -> None:
    for variable in variables:
        source = fw.variable_map[variable].source
        assert source.type == "undetermined", variable
        de, en = source.note.de, source.note.en
        assert "Sonderauswertung des Statistischen Landesamts" in de, variable
        assert "Special evaluation of the Land statistics office" in en, variable
        assert table in de and table in en, variable
        assert "kein Ersatz" in de and "no substitute" in en, variable


def test_naturalisations_of_third_country_nationals_come_from_the_authority(
    fw: mi.Framework,
) -> None:
    """official-sources.md, row naturalisations_tcn: "Insgesamt minus Europa drops non-EU
    Europeans", who count as third-country nationals in the denominator."""
    source = fw.variable_map["naturalisations_tcn"].source
    assert source.type == "self_reported"
    assert source.holder.de.startswith("Einbürgerungsbehörde")
    assert "12511-01-01-4" in source.note.de and "kein Ersatz" in source.note.de
    assert "non-EU Europeans" in source.note.en and "no substitute" in source.note.en


# ---- migration background is not the foreigners count (official-sources.md 3.2) ----------
@pytest.mark.parametrize("variable", ["pop_mig", "pop_u18_mig"])
def test_the_foreigners_count_is_no_substitute_for_a_migration_background(
    fw: mi.Framework, variable: str
) -> None:
    source = fw.variable_map[variable].source
    assert source.type == "self_reported"
    assert "Melderegister" in source.holder.de and "register" in source.holder.en
    assert "kein Ersatz" in source.note.de and "Eingebürgerte" in source.note.de
    assert "no substitute" in source.note.en and "naturalised" in source.note.en


# ---- citations --------------------------------------------------------------------------
PROGRAMMES = re.compile(r"\b(MIT|VOPI|MINT)\b|M³")


def test_no_programme_is_named_as_a_data_publisher(fw: mi.Framework) -> None:
    """The programme texts publish no data; they stay cited in the source note."""
    for ind in fw.indicators:
        assert not PROGRAMMES.search(ind.source.publisher), (ind.id, ind.source.publisher)
    for ind_id, programme in [("association_boards", "VOPI"), ("mentors_rate", "MIT")]:
        note = fw.indicator(ind_id).source.note
        assert programme in note.de and programme in note.en


def test_the_migrant_organisation_goalpost_is_the_stated_arithmetic(fw: mi.Framework) -> None:
    """Upper goalpost per 10,000 inhabitants at a 15 % population share: one organisation
    per 10,000 * 0.15 / 4 = 375 residents with a migration background."""
    ind = fw.indicator("migrant_organisations")
    assert ind.compute.scale == 10_000 and ind.goalposts.upper == 4
    residents = round(ind.compute.scale * 0.15 / ind.goalposts.upper)
    assert residents == 375
    rationale = ind.goalposts.rationale
    assert f"je {residents} Einwohner" in rationale.de and "15 %" in rationale.de
    assert f"per {residents} residents" in rationale.en and "15 %" in rationale.en
    assert "Setzung des Projekts" in rationale.de and "project choice" in rationale.en


#: Goalpost rationales that quoted national figures the research files do not give.
UNSOURCED = [
    "kita_u3_parity",
    "kita_3to6_parity",
    "gymnasium_parity",
    "leavers_no_hsa_gap",
    "apprenticeship_parity",
    "dtz_b1_rate",
    "employment_parity",
    "employment_women_parity",
    "unemployment_gap",
    "sgb2_gap",
    "recognition_rate",
    "naturalisation_rate",
    "naturalisation_uptake",
    "long_term_residence",
    "precarious_status",
    "eligible_voters_share",
    "living_space_parity",
    "segregation",
    "mentors_rate",
]


def test_goalposts_without_a_source_are_called_a_project_choice(fw: mi.Framework) -> None:
    for ind_id in UNSOURCED:
        rationale = fw.indicator(ind_id).goalposts.rationale
        assert rationale.de.startswith("Setzung des Projekts"), ind_id
        assert rationale.en.startswith("A project choice"), ind_id
    claims = ("Bundesweit", "Nationally", "in Germany", "in der Literatur", "in the literature")
    for ind in fw.indicators:
        rationale = ind.goalposts.rationale
        for claim in claims:
            assert claim not in rationale.de and claim not in rationale.en, (ind.id, claim)


def test_citations_fit_the_definitions_they_cite(fw: mi.Framework) -> None:
    """integration-monitoring-sources.md: IM 8-1-1 divides by all eligible voters (#25), IM
    5-3-3 by the labour force (#15), Settling In sets no target (section 2), Destatis asks
    for a higher share of public staff, not parity (#23); the Länder list has no advisory
    council indicator and the Zaragoza list no eligible-voter share (#4, #5)."""
    voters = fw.indicator("eligible_voters_share").source
    assert "Zaragoza" not in voters.publisher + (voters.table or "")
    assert "8-1-1" in voters.note.de and "anders definiert" in voters.note.de
    unemployment = fw.indicator("unemployment_gap")
    assert "keine Arbeitslosenquote" in unemployment.description.de
    assert "not an unemployment rate" in unemployment.description.en
    assert unemployment.target.source.de.startswith("Parität")
    assert fw.indicator("employment_women_parity").target.source.en.startswith("Parity")
    staff = fw.indicator("staff_representation").target.source
    assert "Aktionsplan" not in staff.de and "project choice" in staff.en
    council = fw.indicator("advisory_council").source
    assert "Integrationsmonitoring" not in council.publisher
    assert "Landesintegrationsgesetz" not in council.publisher
    assert "regionalstatistik" not in (fw.indicator("leavers_no_hsa_gap").source.url or "")


def test_naturalisation_rate_i_says_what_it_counts(fw: mi.Framework) -> None:
    """Länder indicator B2a counts all foreigners with >= 8 years' residence (#1); being
    entitled needs more than the residence (#3)."""
    ind = fw.indicator("naturalisation_uptake")
    assert "Ausschöpfung" not in ind.name.de and "eligible" not in ind.name.en
    assert "8 Jahre" in ind.name.de and "8 years" in ind.name.en
    assert "B2a" in ind.description.de and "alle Ausländerinnen und Ausländer" in ind.description.de
    assert "nicht die Zahl der Anspruchsberechtigten" in ind.description.de
    assert "not the number of those entitled" in ind.description.en
    dimension = fw.node("naturalisation").description
    assert "zweimal" in dimension.de and "twice" in dimension.en


# ---- labels and definitions ---------------------------------------------------------------
def test_labels_match_the_definitions(fw: mi.Framework) -> None:
    dtz = fw.indicator("dtz_b1_rate")
    assert "DTZ" in dtz.name.de and "DTZ" in dtz.name.en
    assert "Integrationskurs" not in dtz.name.de and "course" not in dtz.name.en
    assert "auf Anfrage" in (dtz.source.table or "")
    for text in (
        fw.variable_map["committee_seats"].description,
        fw.indicator("committee_representation").description,
    ):
        assert "sachkundigen Einwohnerinnen und Einwohner" in text.de
        assert "co-opted citizen and resident members" in text.en
    employed = fw.variable_map["emp_foreign"].description
    assert "alle Altersgruppen" in employed.de and "all ages" in employed.en
    benefits = fw.variable_map["sgb2_foreign"].description
    assert "31. Dezember" in benefits.de and "31 December" in benefits.en
    training = fw.variable_map["training_participants"].description
    assert training.de.startswith("Drittstaatsangehörige")
    assert training.en.startswith("Third-country nationals")


def test_the_segregation_index_is_written_in_percent(fw: mi.Framework) -> None:
    """Its description says percent: a report writes 25,8 % (de) and 25.8% (en), as for the
    catalog's other percentages."""
    ind = fw.indicator("segregation")
    assert ind.unit == fw.indicator("recognition_rate").unit == "%"
    digits = ind.value_decimals()
    written = {
        lang: Formatter(lang).value(25.8, ind.unit_label(lang), digits, unit_first=ind.unit_first)
        for lang in ("de", "en")
    }
    assert written == {"de": "25,8\u00a0%", "en": "25.8%"}
    note = ind.source.note
    assert "Bezirksgliederung" in note.de and "district layout" in note.en


def test_framework_texts_name_the_programme_and_what_is_left_out(fw: mi.Framework) -> None:
    assert "Kern des MIT-Programms" in fw.index.description.de
    assert "core of the MIT programme" in fw.index.description.en
    assert "M³" in fw.node("education").description.en
    described = fw.framework.description
    assert "Diskriminierung" in described.de and "discrimination" in described.en
    recognition = fw.indicator("recognition_rate").source.note
    assert "beratenen Fälle" in recognition.de and "cases it advised" in recognition.en


def test_the_core_indicators_weigh_most_and_context_indicators_nothing(fw: mi.Framework) -> None:
    """The council was called the core indicator (weight 2) but carried 2.6 % of the index,
    less than mentor and training counts (3.8 % each: the only two of their dimension), and
    third-country nationals on advisory boards, MIT's own target, 1.3 %. With the
    dimensions weighted 2 / 1 / 0.5 and the board indicator 2, each core indicator carries
    1.5/6.5 (participation among five domains of 1) x 2/3.5 (representation) x 2/7 (its
    siblings 1, 1, 2, 1, 2). The two composition indicators count nothing."""
    from mint_index.rules.weights import effective_weights

    table = effective_weights(mi.Plan.resolve(mi.BuildSpec(framework=fw)))
    share = dict(zip(table["node"], table["effective_weight"], strict=True))
    core = 1.5 / 6.5 * 2 / 3.5 * 2 / 7
    assert share["council_representation"] == pytest.approx(core, abs=1e-12)
    assert share["tcn_board_representation"] == pytest.approx(core, abs=1e-12)
    participation = [i.id for i in fw.indicators if "participation" in fw.ancestors(i.id)]
    assert max(share[i] for i in participation) == pytest.approx(core, abs=1e-12)
    assert share["mentors_rate"] < core
    assert share["eligible_voters_share"] == share["precarious_status"] == 0.0
