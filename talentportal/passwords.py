"""Password rules that depend on who the password is for.

Everyone: Django's length, common-password, numeric and similarity validators (settings). Staff
and expert reviewers, whose accounts reach personal data of many people, must also mix at least
three kinds of character. Talents get no composition rule: length and the common-password list
protect them better than rules that push people towards "Password1!".
"""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from talentportal.models import AccountKind

CHARACTER_CLASSES = [
    ("lower", lambda c: c.islower()),
    ("upper", lambda c: c.isupper()),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum() or c in string.punctuation),
]


def privileged_account(user) -> bool:
    if user is None:
        return False
    return bool(
        user.is_staff or user.is_superuser or user.kind in (AccountKind.STAFF, AccountKind.EXPERT)
    )


def character_classes(password: str) -> int:
    return sum(any(test(c) for c in password) for _name, test in CHARACTER_CLASSES)


class PrivilegedCharacterClassValidator:
    """At least `min_classes` of lower case, upper case, digits and symbols, for staff and
    experts only (Django passes the user to every validator: sign-up, change, reset, admin)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if privileged_account(user) and character_classes(password) < self.min_classes:
            raise ValidationError(
                ngettext(
                    "Staff and expert passwords must mix at least %(min)d kind of character: "
                    "lower-case letters, upper-case letters, digits and symbols.",
                    "Staff and expert passwords must mix at least %(min)d kinds of character: "
                    "lower-case letters, upper-case letters, digits and symbols.",
                    self.min_classes,
                )
                % {"min": self.min_classes},
                code="password_too_few_character_classes",
                params={"min": self.min_classes},
            )

    def get_help_text(self):
        return _(
            "Staff and expert accounts: mix at least %(min)d of lower-case letters, upper-case "
            "letters, digits and symbols."
        ) % {"min": self.min_classes}
