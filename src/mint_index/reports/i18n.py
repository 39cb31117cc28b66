"""The words of the reports in German and English: one table, one set of templates.

Templates look words up as ``t.key``; :func:`texts` gives the table of one language.
A test checks that every key has both languages and that templates use no unknown key
(the environment's undefined values are strict, so a typo fails loudly).

Where a text quotes a rule's constant (the 90 % rank range, the stable band, the
priority's severities and bands, the audit's thresholds), it holds a placeholder that
:func:`texts` fills from the constant's owner, written by the
:class:`~mint_index.rules.formatting.Formatter` of the language: a changed constant
changes the text.
"""

from __future__ import annotations

from mint_index.rules.formatting import Formatter
from mint_index.rules.languages import LANGUAGES, check_language

__all__ = ["METHODS", "TEXTS", "method_text", "texts"]

TEXTS: dict[str, tuple[str, str]] = {
    # key: one text per language, in the order of LANGUAGES (de, en)
    "overview": ("Übersicht", "Overview"),
    "profile": ("Profil", "Profile"),
    "comparison": ("Vergleich zweier Jahre", "Year-on-year comparison"),
    "comparison_of_builds": ("Vergleich zweier Berechnungen", "Comparison of two builds"),
    "contents": ("Inhalt", "Contents"),
    "back_to_overview": ("Zur Übersicht", "Back to the overview"),
    "generated_on": ("Erstellt am", "Generated on"),
    "made_with": ("Erstellt mit mint-index", "Made with mint-index"),
    "framework": ("Indikatorenrahmen", "Framework"),
    "version": ("Version", "version"),
    "year": ("Jahr", "Year"),
    "years": ("Jahre", "Years"),
    "summary": ("Auf einen Blick", "At a glance"),
    "units": ("Kommunen", "Municipalities"),
    "unit": ("Kommune", "Municipality"),
    "indicators": ("Indikatoren", "Indicators"),
    "indicator": ("Indikator", "Indicator"),
    "domains": ("Handlungsfelder", "Domains"),
    "domain": ("Handlungsfeld", "Domain"),
    "peer_group": ("Vergleichsgruppe", "Peer group"),
    "peer_groups": ("Vergleichsgruppen", "Peer groups"),
    "index": ("Index", "Index"),
    "score": ("Punktwert", "Score"),
    "scores": ("Punktwerte", "Scores"),
    "rank": ("Rang", "Rank"),
    "peer_rank": ("Rang in der Vergleichsgruppe", "Rank in peer group"),
    "rank_interval": ("Rangbereich ({rank_interval})", "Rank range ({rank_interval})"),
    "of": ("von", "of"),
    "n_units": ("Anzahl", "Number"),
    "median": ("Median", "Median"),
    "minimum": ("Minimum", "Minimum"),
    "maximum": ("Maximum", "Maximum"),
    "q1": ("Unteres Quartil", "Lower quartile"),
    "q3": ("Oberes Quartil", "Upper quartile"),
    "best": ("Höchster Wert", "Highest score"),
    "reading_help": (
        "Höhere Punktwerte sind immer besser: Indikatoren, bei denen ein niedriger Wert "
        "besser ist, werden vor der Bewertung umgedreht. Ränge hängen von den gewählten "
        "Methoden ab und sollten mit ihren Unsicherheiten gelesen werden.",
        "Higher scores are always better: indicators where a lower value is better are "
        "turned round before scoring. Ranks depend on the methods chosen and should be "
        "read together with their uncertainty.",
    ),
    "scores_title": ("Index und Handlungsfelder", "Index and domain scores"),
    "index_bars_title": ("Indexwert je Kommune", "Index score by municipality"),
    "index_bars_desc": (
        "Balkendiagramm des Indexwerts aller Kommunen, absteigend sortiert; die Tabelle "
        "darunter enthält dieselben Werte.",
        "Bar chart of every municipality's index score, highest first; the table below "
        "holds the same values.",
    ),
    "too_many_for_bars": (
        "Bei so vielen Kommunen zeigt die Übersicht statt eines Balkendiagramms die "
        "Verteilungen und die Vergleichsgruppen; alle Werte stehen in der Tabelle.",
        "With this many municipalities the overview shows distributions and peer groups "
        "instead of a bar chart; every value is in the table.",
    ),
    "uncertainty_note": (
        "Der Rangbereich umfasst {rank_interval} der Ränge, die eine Kommune unter plausiblen "
        "anderen Methodenentscheidungen erhält (Unsicherheitsanalyse).",
        "The rank range covers {rank_interval} of the ranks a municipality gets under plausible "
        "alternative method choices (uncertainty analysis).",
    ),
    "peer_title": ("Vergleich innerhalb der Vergleichsgruppen", "Comparison within peer groups"),
    "peer_note": (
        "Medianwerte je Vergleichsgruppe; Kommunen werden vor allem mit ähnlichen "
        "Kommunen verglichen.",
        "Medians by peer group; municipalities are compared above all with similar ones.",
    ),
    "distributions": ("Verteilungen", "Distributions"),
    "distributions_desc": (
        "Histogramme der Punktwerte von Index und Handlungsfeldern; die Tabelle nennt "
        "Minimum, Quartile, Median und Maximum.",
        "Histograms of index and domain scores; the table gives minimum, quartiles, "
        "median and maximum.",
    ),
    "heatmap_title": ("Handlungsfelder je Kommune", "Domains by municipality"),
    "heatmap_title_groups": (
        "Handlungsfelder je Vergleichsgruppe (Median)",
        "Domains by peer group (median)",
    ),
    "heatmap_desc": (
        "Farbtabelle der Punktwerte; dunkel = niedrig, hell = hoch. Die Werte stehen in "
        "den Zellen und in der Tabelle „Index und Handlungsfelder“.",
        "Colour table of scores; dark = low, light = high. The values are in the cells "
        "and in the table 'Index and domain scores'.",
    ),
    "coverage_title": ("Datenabdeckung und Datenqualität", "Data coverage and quality"),
    "available": ("Vorhanden", "Available"),
    "coverage": ("Abdeckung", "Coverage"),
    "imputed": ("Geschätzt (imputiert)", "Imputed"),
    "suppressed": ("Geheim gehalten", "Suppressed"),
    "unreliable": ("Kleine Fallzahl", "Small numbers"),
    "missing": ("Fehlend", "Missing"),
    "screened_out": (
        "Wegen geringer Datenabdeckung nicht bewertet",
        "Not scored because of low data coverage",
    ),
    "none_screened_out": (
        "Keine Kommune wurde wegen geringer Datenabdeckung ausgeschlossen.",
        "No municipality was left out for low data coverage.",
    ),
    "methodology": ("Methodik", "Methodology"),
    "methodology_intro": (
        "Dieser Abschnitt wird aus der Berechnungsspezifikation erzeugt und beschreibt, "
        "was tatsächlich gerechnet wurde.",
        "This section is generated from the build specification and describes what was "
        "actually computed.",
    ),
    "step_denominate": ("Bezugsgrößen", "Denomination"),
    "step_screen": ("Auswahl nach Datenabdeckung", "Screening by data coverage"),
    "step_impute": ("Umgang mit fehlenden Werten", "Missing values (imputation)"),
    "step_treat": ("Ausreißerbehandlung", "Outlier treatment"),
    "step_normalise": ("Normierung", "Normalisation"),
    "step_aggregate": ("Aggregation", "Aggregation"),
    "weights": ("Gewichte", "Weights"),
    "weight": ("Gewicht", "Weight"),
    "share_of_parent": ("Anteil am übergeordneten Wert", "Share of parent"),
    "method": ("Methode", "Method"),
    "parameters": ("Parameter", "Parameters"),
    "applies_to": ("Gilt für", "Applies to"),
    "treatment_done": ("Behandelte Indikatoren im Jahr", "Indicators treated in"),
    "treatment_none": (
        "In diesem Jahr wurde kein Indikator behandelt.",
        "No indicator was treated in this year.",
    ),
    "points_winsorised": ("winsorisierte Werte", "values winsorised"),
    "log_transformed": ("logarithmiert", "log-transformed"),
    "sources_title": ("Indikatoren und Quellen", "Indicators and sources"),
    "definition": ("Definition", "Definition"),
    "source": ("Quelle", "Source"),
    "direction": ("Richtung", "Direction"),
    "higher_better": ("höher ist besser", "higher is better"),
    "lower_better": ("niedriger ist besser", "lower is better"),
    "goalposts": ("Zielkorridor", "Goalposts"),
    "target": ("Ziel", "Target"),
    "measure_unit": ("Einheit", "Unit"),
    "data_table": ("Datentabelle", "Data table"),
    "table": ("Tabelle", "Table"),
    "chart": ("Diagramm", "Chart"),
    "change_axis": ("Veränderung des Indexwerts (Punkte)", "Change of the index score (points)"),
    # profile
    "key_figures": ("Kennzahlen", "Key figures"),
    "change_since": ("Veränderung zum Vorjahr", "Change since previous year"),
    "domains_vs_peers": ("Handlungsfelder im Vergleich", "Domains compared with peers"),
    "domains_vs_peers_desc": (
        "Punktdiagramm: blauer Punkt = diese Kommune, schwarzer Strich = Median der "
        "Vergleichsgruppe, graues Band = mittlere Hälfte der Vergleichsgruppe.",
        "Dot plot: blue dot = this municipality, black bar = peer-group median, grey "
        "band = middle half of the peer group.",
    ),
    "this_unit": ("diese Kommune", "this municipality"),
    "peer_median": ("Median der Vergleichsgruppe", "Peer median"),
    "peer_middle": ("mittlere Hälfte", "middle half"),
    "over_time": ("Entwicklung über die Jahre", "Development over time"),
    "over_time_desc": (
        "Kleine Liniendiagramme der Punktwerte von Index und Handlungsfeldern je Jahr, "
        "alle auf derselben Skala.",
        "Small line charts of index and domain scores by year, all on the same scale.",
    ),
    "scorecard": ("Indikatoren im Einzelnen", "Scorecard"),
    "value": ("Wert", "Value"),
    "peer_median_value": ("Median Vergleichsgruppe", "Peer median"),
    "peer_median_score": ("Median Punktwert", "Peer median score"),
    "trend": ("Trend", "Trend"),
    "parity_gap": ("Paritätslücke", "Parity gap"),
    "notes": ("Hinweise", "Notes"),
    "official_proxy": ("Amtliche Näherungswerte (Ersatzgröße) für", "Official proxies for"),
    "improving": ("verbessert", "improving"),
    "worsening": ("verschlechtert", "worsening"),
    "stable": ("stabil", "stable"),
    "no_trend": ("kein Vorjahr", "no previous year"),
    "no_score_this_year": ("kein Wert in diesem Jahr", "no value this year"),
    "trend_explained": (
        "Veränderung des Punktwerts zum Vorjahr; bis {stable_share} der Skala gilt als stabil",
        "change of the score since the previous year; up to {stable_share} of the scale "
        "counts as stable",
    ),
    "winsorised": ("winsorisiert", "winsorised"),
    "strengths_weaknesses": ("Stärken und Schwächen", "Strengths and weaknesses"),
    "strengths": ("Stärken gegenüber der Vergleichsgruppe", "Strengths against peers"),
    "weaknesses": ("Schwächen gegenüber der Vergleichsgruppe", "Weaknesses against peers"),
    "none_found": ("keine", "none"),
    "points_above": ("Punkte über dem Median", "points above the median"),
    "points_below": ("Punkte unter dem Median", "points below the median"),
    "recommendations": ("Empfehlungen", "Recommendations"),
    "no_recommendations": (
        "Für dieses Jahr liegen keine Empfehlungen vor.",
        "There are no recommendations for this year.",
    ),
    "recommendations_not_run": (
        "Empfehlungen wurden für diesen Bericht nicht berechnet.",
        "Recommendations were not computed for this report.",
    ),
    "priority": ("Priorität", "Priority"),
    "evidence": ("Begründung", "Evidence"),
    "rule": ("Regel", "Rule"),
    "actor": ("Wer handelt", "Who acts"),
    # the actors of the action catalog (recommendations/actions.yaml)
    "actor_administration": ("Verwaltung", "administration"),
    "actor_council": ("Rat", "council"),
    "actor_associations": ("Vereine", "associations"),
    "actor_migrant_organisations": ("Migrantenorganisationen", "migrant organisations"),
    "programme": ("Programm", "Programme"),
    "data_quality": ("Hinweise zur Datenqualität", "Data-quality notes"),
    "no_quality_notes": ("Keine Auffälligkeiten.", "Nothing to note."),
    "q_imputed": ("Wert fehlte und wurde geschätzt", "value was missing and has been imputed"),
    "q_missing": ("Wert fehlt", "value is missing"),
    "q_suppressed": ("Wert ist geheim gehalten", "value is suppressed"),
    "q_unreliable": ("kleine Fallzahl, Wert unsicher", "small numbers, the value is uncertain"),
    "q_winsorised": ("Ausreißer, Wert wurde gekappt", "outlier, value was winsorised"),
    "q_log_transformed": ("Indikator wurde logarithmiert", "indicator was log-transformed"),
    "q_screened_out": (
        "Kommune wegen geringer Datenabdeckung nicht bewertet",
        "municipality not scored because of low data coverage",
    ),
    "q_data_note": ("Hinweis der Empfehlungsregeln", "note from the recommendation rules"),
    "zero_weight": (
        "Gewicht 0: zählt nicht zum übergeordneten Wert",
        "weight 0: does not count towards the level above",
    ),
    "interval_95": ("95-%-Intervall", "95 % interval"),
    "denominator": ("Bezugsgröße", "Denominator"),
    "reason": ("Grund", "reason"),
    # why a value is missing (the Dataset's missing reasons and derivation's own)
    "reason_missing": ("in den Eingangsdaten leer", "empty in the input"),
    "reason_unknown_or_secret": ("unbekannt oder geheim", "unknown or kept secret"),
    "reason_locked": ("gesperrt, weil eine Aussage nicht sinnvoll ist", "locked: not meaningful"),
    "reason_not_reliable": ("nicht sicher genug", "not reliable enough"),
    "reason_not_yet_available": ("noch nicht verfügbar", "not yet available"),
    "reason_not_in_data": ("nicht geliefert", "not delivered"),
    "reason_zero_denominator": ("Nenner ist null", "the denominator is zero"),
    # recommendations: priority, measures in place
    "priority_scale_title": ("Priorität der Empfehlungen", "Priority of the recommendations"),
    "priority_scale_intro": (
        "Jede Empfehlung hat eine Priorität auf einer Skala von {priority_min} bis "
        "{priority_max}: {priority_max} × Schwere der Regel (niedrig {severity_low}, mittel "
        "{severity_medium}, hoch {severity_high}) × Rückstand des Indikators auf sein Ziel "
        "(Anteil der Punkteskala) × Trend ({trend_factor_min} bei deutlicher Verbesserung "
        "bis {trend_factor_max} bei deutlicher Verschlechterung). Dieselbe Skala gilt in "
        "allen Tabellen und Dateien.",
        "Every recommendation has a priority on a scale from {priority_min} to "
        "{priority_max}: {priority_max} × the rule's severity (low {severity_low}, medium "
        "{severity_medium}, high {severity_high}) × how far the indicator is behind its "
        "target (share of the score scale) × trend ({trend_factor_min} when clearly "
        "improving to {trend_factor_max} when clearly worsening). The same scale holds in "
        "every table and file.",
    ),
    "band": ("Stufe", "Band"),
    "band_high": ("hoch", "high"),
    "band_medium": ("mittel", "medium"),
    "band_low": ("niedrig", "low"),
    "from_to": ("von {lower} bis unter {upper}", "from {lower} to under {upper}"),
    "from_to_top": ("von {lower} bis {upper}", "from {lower} to {upper}"),
    "priority_help": (
        "Priorität von {priority_min} bis {priority_max} (hoch ab {band_high}, mittel ab "
        "{band_medium}); erklärt in der Methodik der Übersicht.",
        "Priority from {priority_min} to {priority_max} (high from {band_high}, medium from "
        "{band_medium}); explained in the overview's methodology.",
    ),
    "in_place_title": ("Bereits vorhandene Maßnahmen", "Measures already in place"),
    "in_place_intro": (
        "Diese Maßnahmen gibt es in der Kommune schon; sie werden nicht erneut empfohlen.",
        "The municipality already has these measures; they are not recommended again.",
    ),
    "source_document": ("Quelle", "Source"),
    # the "Effect of measures" section (its title and explanation: effect_monitoring.texts)
    "effects_measure": ("Maßnahme", "Measure"),
    "effects_since": ("Seit", "Since"),
    "effects_result": ("Ergebnis", "Result"),
    "effects_n_comparison": ("Vergleichskommunen", "Comparison municipalities"),
    "effects_pooled_title": (
        "Wirkung je Maßnahme über alle Kommunen",
        "Effect per measure across all municipalities",
    ),
    "effects_unit_title": ("Maßnahmen dieser Kommune", "This municipality's measures"),
    "effects_none_unit": (
        "Für diese Kommune steht im Maßnahmenregister keine Maßnahme, deren Wirkung sich an "
        "den Indikatoren dieses Rahmens schätzen ließe.",
        "The measures register lists no measure of this municipality whose effect the "
        "indicators of this framework can show.",
    ),
    "effects_none_pooled": (
        "Das Maßnahmenregister enthält keine Maßnahme, deren Wirkung sich an den Indikatoren "
        "dieses Rahmens schätzen ließe.",
        "The measures register holds no measure whose effect the indicators of this "
        "framework can show.",
    ),
    "effects_series": ("Reihe", "Series"),
    "effects_level_points": ("Punkte auf der Stufenskala 0–100", "points on the 0–100 level scale"),
    "effects_start": ("Beginn {since}", "start {since}"),
    "effects_chart_desc": (
        "{unit}, {indicator}, {first} bis {last}: die Werte der Kommune, das Mittel der "
        "Vergleichsgruppe und der Verlauf, wenn sich die Kommune wie die Vergleichsgruppe "
        "entwickelt hätte; die Maßnahme begann {since}. Die Zahlen stehen in der Tabelle "
        "unter dem Diagramm.",
        "{unit}, {indicator}, {first} to {last}: the municipality's values, the mean of "
        "its comparison group and the path had it moved like its comparison group; the "
        "measure began in {since}. The numbers are in the table below the chart.",
    ),
    # units that left or joined
    "left_out_title": ("Nicht in der Rangfolge", "Not in the ranking"),
    "left_out_merged_into": ("{year} aufgegangen in {names}", "merged into {names} in {year}"),
    "left_out_dissolved": ("{year} aufgelöst", "dissolved in {year}"),
    "left_out_not_yet": ("entsteht erst {year}", "created only in {year}"),
    "left_out_no_data": ("keine Daten für {year}", "no data for {year}"),
    "change_merged_into": ("{year} aufgegangen in {names}", "Merged into {names} in {year}"),
    "change_dissolved": ("{year} aufgelöst", "Dissolved in {year}"),
    "change_created_from": ("{year} entstanden aus {names}", "Formed from {names} in {year}"),
    "change_created": ("seit {year}", "Since {year}"),
    "and": ("und", "and"),
    "unit_history": ("Gebietsstand", "Boundaries"),
    "no_data_this_year": (
        "Für {year} liegen zu dieser Kommune keine Daten vor; es werden keine Werte als "
        "aktuell gezeigt.",
        "There are no data on this municipality for {year}; no values are shown as current.",
    ),
    "scale_note": (
        "Punktwerte auf der Skala {lower} bis {upper}",
        "Scores on the scale {lower} to {upper}",
    ),
    "parity_note": (
        "Paritätslücke: Abstand zur Parität (0 = Parität); negativ heißt, die Quote der "
        "Menschen mit Migrationsgeschichte liegt unter der Vergleichsgruppe (bei Verhältnissen: "
        "Verhältnis minus 1).",
        "Parity gap: distance from parity (0 = parity); negative means the rate of people "
        "with a migration background is below the reference group's (for ratios: ratio "
        "minus 1).",
    ),
    # comparison
    "before": ("Vorher", "Before"),
    "after": ("Nachher", "After"),
    "change": ("Veränderung", "Change"),
    "rank_change": ("Rangänderung", "Rank change"),
    "in_both": ("in beiden Läufen", "in both runs"),
    "only_before": ("nur im ersten Lauf", "only in the first run"),
    "only_after": ("nur im zweiten Lauf", "only in the second run"),
    "changes_title": ("Veränderungen der Punktwerte und Ränge", "Changes in scores and ranks"),
    "movers_title": ("Größte Veränderungen", "Largest movers"),
    "movers_desc": (
        "Balkendiagramm der größten Zu- und Abnahmen des Indexwerts; die Tabelle enthält "
        "dieselben Werte.",
        "Bar chart of the largest rises and falls of the index score; the table holds the "
        "same values.",
    ),
    "risers": ("Größte Verbesserungen", "Largest rises"),
    "fallers": ("Größte Verschlechterungen", "Largest falls"),
    "changed_indicators": ("Geänderte Indikatoren", "Changed indicators"),
    "changed_intro": (
        "Indikatoren, deren Definition, Zielkorridor oder Methode sich zwischen den beiden "
        "Läufen geändert hat. Veränderungen ihrer Punktwerte sind mit Vorsicht zu lesen.",
        "Indicators whose definition, goalposts or method changed between the two runs. "
        "Read changes in their scores with care.",
    ),
    "no_changed_indicators": ("Keine Änderungen.", "No changes."),
    "field": ("Merkmal", "Field"),
    "added": ("neu", "added"),
    "removed": ("entfallen", "removed"),
    "f_compute": ("Berechnung", "definition"),
    "f_unit": ("Einheit", "unit"),
    "f_direction": ("Richtung", "direction"),
    "f_kind": ("Art", "kind"),
    "f_goalposts": ("Zielkorridor", "goalposts"),
    "f_target": ("Ziel", "target"),
    "f_levels": ("Stufen", "levels"),
    "f_min_denominator": ("Mindest-Bezugsgröße", "minimum denominator"),
    "f_impute": ("Schätzung fehlender Werte", "imputation"),
    "f_treat": ("Ausreißerbehandlung", "outlier treatment"),
    "f_normalise": ("Normierung", "normalisation"),
    "f_aggregate": ("Aggregation", "aggregation"),
    "f_weight": ("Gewicht", "weight"),
    "f_weights": ("Gewichte", "weights"),
    # the head of a weights table's first column: its rows are indicators, dimensions or
    # domains, as the node whose parts they are has them
    "weights_part": ("Bestandteil", "Part"),
    "param_true": ("ja", "yes"),
    "param_false": ("nein", "no"),
    "f_leave_out": ("Weglassen eines Indikators", "leaving out an indicator"),
    "f_parent": ("Zuordnung", "parent"),
    "f_denominate": ("Bezugsgrößen", "denomination"),
    "f_screen": ("Auswahl nach Datenabdeckung", "screening by data coverage"),
    "f_peer_group": ("Spalte der Vergleichsgruppen", "peer-group column"),
    # aggregate nodes and build-wide settings whose definition changed (shown when some did)
    "changed_areas": ("Geänderte Bereiche", "Changed areas"),
    "changed_areas_intro": (
        "Bereiche (Handlungsfelder und der Index), deren Aggregation, Gewicht oder "
        "Zuordnung sich zwischen den beiden Läufen geändert hat. Veränderungen ihrer "
        "Punktwerte sind mit Vorsicht zu lesen.",
        "Areas (domains and the index) whose aggregation, weight or parent changed between "
        "the two runs. Read changes in their scores with care.",
    ),
    "area": ("Bereich", "Area"),
    "changed_build": (
        "Geänderte Einstellungen des ganzen Laufs",
        "Changed settings of the whole run",
    ),
    "changed_build_intro": (
        "Schritte, die einmal für alle Indikatoren festgelegt werden, und die Spalte der "
        "Vergleichsgruppen. Sie können alle Punktwerte und Ränge verändern.",
        "Steps decided once for all indicators, and the column of peer groups. They can "
        "change every score and rank.",
    ),
    # the statistical audit section (mi.report(..., audit=mi.audit(res)))
    "audit_title": ("Statistische Prüfung", "Statistical audit"),
    "audit_intro": (
        "Diese Prüfung zeigt, ob die Indikatoren eines Bereichs zusammenpassen, ob "
        "Indikatoren dasselbe doppelt messen und ob Datenlage oder Verteilung einzelner "
        "Indikatoren auffällig sind. Auffälligkeiten sind kein Fehler, aber ein Grund, "
        "genauer hinzusehen.",
        "This audit shows whether the indicators of an area fit together, whether "
        "indicators measure the same thing twice, and whether the data or the distribution "
        "of single indicators stand out. A flag is not an error, but a reason to look "
        "more closely.",
    ),
    "audit_consistency": ("Zusammenhalt der Bereiche", "Consistency of each area"),
    "audit_alpha_help": (
        "Cronbachs Alpha misst, wie einheitlich die Teile eines Bereichs die Kommunen "
        "ordnen: nahe 1, wenn Kommunen mit hohen Werten in einem Teil meist auch in den "
        "anderen hoch liegen; ab {alpha_consistent} gilt ein Bereich üblicherweise als "
        "stimmig. Niedrige oder negative Werte heißen, dass die Teile Verschiedenes "
        "messen – das kann gewollt sein, sollte aber bewusst sein.",
        "Cronbach's alpha measures how consistently the parts of an area order the "
        "municipalities: close to 1 when municipalities that score high on one part "
        "mostly score high on the others too; from {alpha_consistent} an area is usually taken as "
        "consistent. Low or negative values mean the parts measure different things - "
        "which may be intended, but should be a conscious choice.",
    ),
    "audit_pc_help": (
        "Der Anteil der ersten Hauptkomponente gibt an, welcher Teil der Unterschiede "
        "zwischen den Kommunen sich durch eine einzige gemeinsame Richtung erklären lässt. "
        "Ein hoher Anteil spricht dafür, dass der Bereich im Wesentlichen eine Sache misst.",
        "The first component's share says how much of the differences between "
        "municipalities one single common direction explains. A high share suggests that "
        "the area essentially measures one thing.",
    ),
    "audit_group": ("Bereich", "Area"),
    "audit_parts": ("Teile", "Parts"),
    "audit_complete": ("Kommunen mit allen Werten", "Municipalities with every value"),
    "audit_alpha": ("Cronbachs Alpha", "Cronbach's alpha"),
    "audit_first_pc": ("Anteil erste Hauptkomponente", "First component's share"),
    "audit_assessment": ("Einschätzung", "Assessment"),
    "audit_consistent": ("stimmig", "consistent"),
    "audit_weak": ("wenig stimmig", "weakly consistent"),
    "audit_na": (
        "nicht berechenbar (ein Teil oder zu wenige Werte)",
        "cannot be computed (one part or too few values)",
    ),
    "audit_redundant": ("Möglicherweise doppelt gemessen", "Possibly measured twice"),
    "audit_redundant_help": (
        "Teile desselben Bereichs, die sehr eng zusammenhängen, messen womöglich "
        "dasselbe; zusammen zählt diese Sache dann doppelt.",
        "Parts of the same area that are very closely related may measure the same "
        "thing, which then counts twice.",
    ),
    "audit_threshold": ("Schwelle", "threshold"),
    "audit_none_redundant": (
        "Keine Teile eines Bereichs hängen so eng zusammen.",
        "No parts of an area are this closely related.",
    ),
    "audit_negative": ("Gegenläufig zum eigenen Bereich", "Running against their own area"),
    "audit_negative_help": (
        "Diese Teile hängen negativ mit dem Bereich zusammen, zu dem sie gehören: "
        "Kommunen, die hier gut abschneiden, schneiden im Bereich insgesamt eher "
        "schlechter ab. Das kann auf eine falsche Richtung oder einen echten Zielkonflikt "
        "hinweisen.",
        "These parts correlate negatively with the area they belong to: municipalities "
        "that do well here tend to do worse in the area as a whole. This can point to a "
        "wrong direction or to a real trade-off.",
    ),
    "audit_none_negative": (
        "Kein Teil läuft seinem Bereich entgegen.",
        "No part runs against its area.",
    ),
    "audit_part": ("Teil", "Part"),
    "audit_other_part": ("Eng verbunden mit", "Closely related to"),
    "audit_r": ("Korrelation r", "Correlation r"),
    "audit_distributions": ("Auffällige Indikatoren", "Indicators that stand out"),
    "audit_distributions_help": (
        "Indikatoren mit wenigen vorhandenen Werten (unter {min_availability}), mit stark schiefer "
        "Verteilung (einzelne Kommunen weit entfernt vom Rest), oder mit Werten ungleich "
        "null oder verschiedenen Werten bei weniger als der Hälfte aller Kommunen (wie "
        "COINr zählt: Kommunen ohne Wert zählen mit); gezählt vor Schätzung fehlender "
        "Werte und Ausreißerbehandlung.",
        "Indicators with few values available (below {min_availability}), with a strongly skewed "
        "distribution (single municipalities far from the rest), or with non-zero or "
        "distinct values for fewer than half of all municipalities (as COINr counts: "
        "municipalities without a value count too); counted before missing values are "
        "estimated and outliers treated.",
    ),
    "audit_none_distributions": (
        "Kein Indikator ist in Datenlage oder Verteilung auffällig.",
        "No indicator stands out in its data or distribution.",
    ),
    "audit_stage": ("Stufe", "stage"),
    # the stages of a build (pipeline.results.STAGES), as the audit names the one it read
    "stage_derived": ("berechnete Werte", "derived values"),
    "stage_denominated": ("auf Bezugsgrößen bezogen", "denominated"),
    "stage_screened": ("nach Auswahl nach Datenabdeckung", "screened by data coverage"),
    "stage_imputed": ("nach Schätzung fehlender Werte", "missing values imputed"),
    "stage_treated": ("nach Ausreißerbehandlung", "outliers treated"),
    "stage_normalised": ("normiert", "normalised"),
    "stage_aggregated": ("aggregiert", "aggregated"),
    "audit_skewness": ("Schiefe", "Skewness"),
    "audit_kurtosis": ("Wölbung", "Kurtosis"),
    "audit_zeros": ("Anteil Nullen", "Share of zeros"),
    "audit_distinct": ("Verschiedene Werte", "Distinct values"),
    "audit_notes": ("Hinweise", "Notes"),
    "audit_flag_availability": ("wenige Werte vorhanden", "few values available"),
    "audit_flag_skew_kurtosis": ("stark schief verteilt", "strongly skewed"),
    "audit_flag_zeros": (
        "Werte ungleich null bei weniger als der Hälfte der Kommunen",
        "non-zero values for fewer than half the municipalities",
    ),
    "audit_flag_distinct": (
        "verschiedene Werte bei weniger als der Hälfte der Kommunen",
        "distinct values for fewer than half the municipalities",
    ),
    # the uncertainty analysis in the methodology (mi.report(..., uncertainty=...))
    "uncertainty_method": ("Unsicherheitsanalyse", "Uncertainty analysis"),
    "uncertainty_method_intro": (
        "Für die Rangbereiche wurde der Index mit zufällig anderen Methodenentscheidungen "
        "neu berechnet; Anzahl der Wiederholungen:",
        "For the rank ranges the index was recomputed with randomly different method "
        "choices; number of replications:",
    ),
    "uncertainty_seed": ("Startwert des Zufallsgenerators", "random seed"),
    "uncertainty_varied": ("Variiert wurde:", "What was varied:"),
    # one line per varied choice: {factor} is the key of ``vary``, shown as written
    "varied_weights": (
        "{factor}: gleichverteilte Zufallsabweichung von {shares} bei {weights} von {of} Gewichten",
        "{factor}: uniform noise of {shares} on {weights} of {of} weights",
    ),
    "varied_options": ("{factor}: eine von {options}", "{factor}: one of {options}"),
    "varied_left_out": (
        "{factor}: eine von {n} Möglichkeiten weggelassen ({options})",
        "{factor}: one of {n} choices left out ({options})",
    ),
    "varied_nominal": ("wie berechnet", "nominal"),
    "varied_nothing_left_out": ("keine", "none"),
    "uncertainty_nothing_varied": (
        "Es wurde nichts variiert; die Rangbereiche sind die Ränge selbst.",
        "Nothing was varied; the rank ranges are the ranks themselves.",
    ),
}

#: Plain-language descriptions of the methods, keyed by (step, method name).
METHODS: dict[tuple[str, str], tuple[str, str]] = {
    ("denominate", "none"): (
        "Werte werden nicht weiter bezogen.",
        "Values are not divided further.",
    ),
    ("denominate", "denominator"): (
        "Jeder Indikator wird durch die in ihm genannte Bezugsgröße geteilt.",
        "Each indicator is divided by the denominator it names.",
    ),
    ("screen", "none"): ("Alle Kommunen werden bewertet.", "Every municipality is scored."),
    ("screen", "coverage"): (
        "Kommunen mit zu geringer Datenabdeckung werden in dem Jahr nicht bewertet.",
        "Municipalities with too little data are not scored in that year.",
    ),
    ("impute", "none"): ("Fehlende Werte bleiben fehlend.", "Missing values stay missing."),
    ("impute", "mean"): (
        "Fehlende Werte werden durch den Mittelwert ersetzt.",
        "Missing values are replaced by the mean.",
    ),
    ("impute", "median"): (
        "Fehlende Werte werden durch den Median ersetzt.",
        "Missing values are replaced by the median.",
    ),
    ("impute", "locf"): (
        "Der letzte beobachtete Wert wird fortgeschrieben.",
        "The last observed value is carried forward.",
    ),
    ("impute", "linear"): (
        "Lücken werden zwischen den Jahren linear interpoliert.",
        "Gaps are interpolated linearly between years.",
    ),
    ("treat", "none"): ("Keine Ausreißerbehandlung.", "No outlier treatment."),
    ("treat", "winsorise"): (
        "Schiefe Verteilungen werden schrittweise winsorisiert, sonst logarithmiert "
        "(Verfahren der JRC).",
        "Skewed distributions are winsorised one point at a time, else log-transformed "
        "(the JRC procedure).",
    ),
    ("normalise", "none"): ("Werte werden nicht normiert.", "Values are not normalised."),
    ("normalise", "goalposts"): (
        "Abstand vom schlechtesten zum besten Zielwert, begrenzt auf den Zielkorridor.",
        "Distance from the worst to the best goalpost, clipped to the goalposts.",
    ),
    ("normalise", "minmax"): (
        "Skalierung zwischen kleinstem und größtem beobachteten Wert.",
        "Scaled between the lowest and the highest observed value.",
    ),
    ("normalise", "zscore"): ("Standardisierung (z-Werte).", "Standardised (z-scores)."),
    ("normalise", "rank"): ("Rangplätze.", "Ranks."),
    ("normalise", "prank"): ("Perzentilränge.", "Percentile ranks."),
    ("normalise", "dist2targ"): ("Abstand zum Ziel.", "Distance to the target."),
    ("normalise", "dist2ref"): ("Abstand zu einem Referenzwert.", "Distance to a reference."),
    ("aggregate", "arithmetic"): (
        "Gewichtetes arithmetisches Mittel.",
        "Weighted arithmetic mean.",
    ),
    ("aggregate", "geometric"): (
        "Gewichtetes geometrisches Mittel (begrenzt Ausgleich).",
        "Weighted geometric mean (limits compensation).",
    ),
    ("aggregate", "harmonic"): ("Gewichtetes harmonisches Mittel.", "Weighted harmonic mean."),
    ("aggregate", "generalised"): (
        "Verallgemeinertes gewichtetes Mittel.",
        "Generalised weighted mean.",
    ),
}

_CACHE: dict[str, dict[str, str]] = {}


def _rule_values(lang: str) -> dict[str, str]:
    """The rule constants the texts quote, each imported from its owner and written in
    ``lang``: placeholder name -> text."""
    from mint_index.analysis.audit import MIN_AVAILABILITY
    from mint_index.analysis.uncertainty import QUANTILE_PROBS
    from mint_index.recommendations.priority import (
        BANDS,
        SCALE,
        SEVERITY,
        TREND_FACTOR_MAX,
        TREND_FACTOR_MIN,
    )
    from mint_index.reports.audit_section import ALPHA_CONSISTENT
    from mint_index.reports.data import STABLE_SHARE

    f = Formatter(lang)
    band = dict(BANDS)
    return {
        # the rank range runs from the replications' q05 to their q95 (QUANTILE_PROBS:
        # median, lower, upper)
        "rank_interval": f.exact(QUANTILE_PROBS[2] - QUANTILE_PROBS[1], share=True),
        "stable_share": f.exact(STABLE_SHARE, share=True),
        "priority_min": f.exact(SCALE[0]),
        "priority_max": f.exact(SCALE[1]),
        "severity_low": f.fraction(SEVERITY["low"]),
        "severity_medium": f.fraction(SEVERITY["medium"]),
        "severity_high": f.fraction(SEVERITY["high"]),
        "trend_factor_min": f.exact(TREND_FACTOR_MIN),
        "trend_factor_max": f.exact(TREND_FACTOR_MAX),
        "band_high": f.exact(band["high"]),
        "band_medium": f.exact(band["medium"]),
        "alpha_consistent": f.exact(ALPHA_CONSISTENT),
        "min_availability": f.exact(MIN_AVAILABILITY, share=True),
    }


def _filled(text: str, values: dict[str, str]) -> str:
    """``text`` with the placeholders of :func:`_rule_values` filled; the others (``{year}``,
    ``{lower}``, ...) stay for the page to fill."""
    for name, value in values.items():
        text = text.replace(f"{{{name}}}", value)
    return text


def texts(lang: str) -> dict[str, str]:
    """The words of one language, keyed as in :data:`TEXTS`, with the rule constants
    they quote filled in."""
    if lang not in _CACHE:
        pos = LANGUAGES.index(check_language(lang))
        values = _rule_values(lang)
        _CACHE[lang] = {
            key: _filled(words[pos], values) if "{" in words[pos] else words[pos]
            for key, words in TEXTS.items()
        }
    return _CACHE[lang]


def method_text(step: str, method: str, lang: str, fallback: str = "") -> str:
    """What a method does, in words; ``fallback`` (the registry summary) when unknown."""
    words = METHODS.get((step, method))
    if words is None:
        return fallback
    return words[LANGUAGES.index(check_language(lang))]
