"""The default profile's mix: shares tuned for tests and benchmarks (builder.py draws them).

Changing a value here changes the default tables that tests and benchmark figures depend on
(tests/test_synthetic_national.py pins a hash of them).
"""

from __future__ import annotations

from accord.casefile.models import CASE_FILE_LISTS
from accord.synthetic.columns import Cat

# Shares of persons whose list was never recorded (the `<list>_known` flag is false).
UNKNOWN_SHARE = dict(
    zip(
        CASE_FILE_LISTS,
        (8, 5, 6, 7, 6, 7, 7, 6, 5, 6, 10, 8, 10, 6, 6, 6, 6, 6, 6, 6, 6),
        strict=True,
    )
)  # percent, in the order of CASE_FILE_LISTS
NATIONALITY = Cat(
    {"SV": 20, "VE": 15, "GT": 13, "HN": 13, "MX": 14, "NI": 4, "CO": 4, "EC": 4, "CU": 3}
    | {"HT": 3, "DO": 2, "BR": 2, "IN": 1.5, "CN": 1.5}
)
CITIZENSHIP = Cat({"noncitizen": 80, "lpr": 12, "us_citizen": 1, "us_national": 0.2, "unknown": 7})
SEX = Cat({"male": 86, "female": 13, "other": 0.2, "unknown": 0.8})
FIRST_NAMES = ("José", "Carlos", "Luis", "Juan", "Jorge", "Miguel", "María", "Ana", "Rosa")
LAST_NAMES = ("Hernández", "García", "Martínez", "López", "Rodríguez", "Pérez", "Flores")
CLAIM_FIRST = Cat({"pending": 50, "rejected": 35, "upheld": 15})
CLAIM_LATER = Cat({"rejected": 70, "upheld": 30})
ORDER_KIND = Cat(
    {"immigration_judge": 56, "expedited": 20, "reinstated": 13, "administrative": 6}
    | {"stipulated": 5}
)
ORDER_SOURCE = Cat(
    {"EOIR order of an immigration judge": 1, "DHS Form I-860": 1, "DHS Form I-871": 1}
    | {"DHS Form I-851A": 1, "EOIR stipulated order": 1}
)
BIA_STATUS = Cat({"pending": 35, "dismissed": 38, "sustained": 10, "withdrawn": 12})
MOTION_STATUS = Cat({"pending": 40, "denied": 45, "granted": 15})
APPEAL_STATUS = Cat({s: 1 for s in (*BIA_STATUS.names, "denied", "granted")})
APPEAL_KIND = Cat({"bia_appeal": 1, "motion_to_reopen": 1})
STAY_KIND = Cat({"judicial": 30, "bia": 30, "dhs": 25, "immigration_judge": 15})
PROTECTION_KIND = Cat({"asylum": 40, "withholding": 30, "cat_withholding": 15, "cat_deferral": 15})
PROTECTION_FIRST = Cat({"pending": 45, "granted": 15, "denied": 35, "terminated": 5})
PROTECTION_LATER = Cat({"granted": 30, "denied": 55, "terminated": 15})
FEAR_FIRST = Cat({"pending": 30, "positive": 15, "negative": 40, "withdrawn": 10, "unknown": 5})
FEAR_LATER = Cat({"positive": 30, "negative": 55, "withdrawn": 15})
OTHER_NOTICE_COUNTRY = Cat({"MX": 40, "CR": 25, "PA": 20, "HN": 15})
NOTICE_COUNTRY = Cat({"SV": 1} | dict.fromkeys(OTHER_NOTICE_COUNTRY.names, 1))
CATEGORY = Cat({"violent": 30, "nonviolent": 60, "unknown": 10})
OFFENCE = Cat(  # the first five are violent, the last is of unknown category
    {"aggravated assault": 9, "robbery": 8, "homicide": 3, "kidnapping": 3, "armed burglary": 7}
    | {"illegal reentry": 20, "drug possession": 15, "DUI": 10, "theft": 10, "fraud": 5}
    | {"offence not stated in record": 10}
)
CONVICTION_SOURCE = Cat({"state court judgment": 60, "federal court judgment": 30, "NCIC": 10})
JURISDICTION = Cat({"state": 62, "federal": 30, "foreign": 4, "unrecorded": 4})
STATUS_KIND = Cat({"tps": 45, "daca": 25, "deferred_action": 10, "u_deferred_action": 10})
TPS_COUNTRY = Cat({"SV": 35, "HN": 25, "VE": 25, "HT": 15})
DISTRICT = Cat(
    {"S.D. Tex.": 25, "W.D. Tex.": 15, "N.D. Tex.": 8, "W.D. La.": 14, "D. Ariz.": 12}
    | {"S.D. Cal.": 8, "W.D. Wash.": 6, "D.N.J.": 6, "S.D. Fla.": 6}
)
COURT_EFFECT = Cat({"bar_removal": 60, "bar_transfer_out_of_district": 25, "require_notice": 15})
OFFICER = Cat(
    {"Officer A. Ruiz": 1, "Officer B. Chen": 1, "Officer C. Okafor": 1, "Officer D. Novak": 1}
)
