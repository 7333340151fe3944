"""Population values of PPT, shown beside a client's own as what healthy adults measured in one
study: never a threshold, a flag or a diagnosis (docs/clinical.md says where each comes from).

Only values read in the source itself are here. Bordachar et al. 2019 (58 asymptomatic adults
aged 18-65, men and women together, 3 measurements a site with the first left out, mean ± SD in
kg/cm²); the abstract calls the upper trapezius point "TS" in its results (its methods: UT).
"""

from __future__ import annotations

from ..samples import from_unit, is_pressure_unit, to_unit

SOURCE = ("Bordachar DJ, Barbosa AW, Vieira ER, Intelangelo L. Shoulder pressure pain thresholds "
          "revisited: the influence of assessment methodology and site, and association with gender, "
          "dexterity and body composition. 2019;41(6):329-336. doi:10.1016/j.ft.2019.07.002 "
          "(58 asymptomatic adults, 18-65 years, men and women together)")
# site -> (mean, SD) in kg/cm2
POPULATION_KGF_CM2 = {
    "upper trapezius": (4.31, 2.09),
    "infraspinatus": (6.33, 2.25),
    "deltoid": (5.60, 2.28),  # the middle deltoid
}


def population_value(site: str, unit: str) -> dict | None:
    """{mean, sd, unit, source} for ``site`` in ``unit`` (a pressure unit), or None."""
    values = POPULATION_KGF_CM2.get(site)
    if values is None or not is_pressure_unit(unit):
        return None
    mean, sd = (float(to_unit(from_unit(v, "kgf/cm2", 1.0), unit, 1.0)) for v in values)
    return {"mean": mean, "sd": sd, "unit": unit, "source": SOURCE}


def population_values(sites, unit: str) -> dict:
    """{site: population value} for the sites measured that have one."""
    out = {}
    for site in sites:
        value = population_value(site, unit)
        if value is not None:
            out[site] = value
    return out
