from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from talentportal.models import DEMO_USERNAME_PREFIX, AccountKind, User


def _label_in_sentence(label) -> str:
    """A field label inside a sentence: "Certificate number" → "certificate number" in
    English (an acronym such as "ID" keeps its capitals); Chinese is unchanged."""
    label = str(label or "").strip().rstrip(":：")
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def required_message(field: forms.Field) -> str:
    """What to do about an empty required field, in the GOV.UK way ("Enter your certificate
    number", "Select the track"), not Django's generic "This field is required."."""
    if field.widget.is_hidden:
        # Filled in by the page, not by the person: only an old or altered page lacks it.
        return gettext("Part of the form is missing. Reload the page and try again.")
    label = _label_in_sentence(field.label)
    if isinstance(field, forms.BooleanField):
        return gettext("Tick the box to confirm.")
    if isinstance(field, forms.FileField):
        return gettext("Upload %(label)s.") % {"label": label}
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.MultipleChoiceField):
        return gettext("Select %(label)s.") % {"label": label}
    return gettext("Enter %(label)s.") % {"label": label}


def specific_required_messages(form: forms.BaseForm) -> None:
    """Give every field of `form` (built already) its own "required" message, unless the
    field has one of its own already."""
    default = str(forms.Field.default_error_messages["required"])
    for field in form.fields.values():
        if str(field.error_messages.get("required", default)) == default:
            field.error_messages["required"] = required_message(field)


class SpecificRequiredMessagesMixin:
    """For every form a person fills in on the public site: an empty required field says
    what to do (`required_message`), not Django's generic "This field is required.".

    The messages are set when the form validates, so that they are in the language of the
    request and cover the fields a form adds in its `__init__` (a call's criteria, a
    service's questions) as well as those it declares. A field that has a "required"
    message of its own keeps it."""

    def full_clean(self):
        specific_required_messages(self)
        super().full_clean()


class LoginForm(SpecificRequiredMessagesMixin, auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "unconfirmed": _(
            "Your e-mail address is not confirmed yet. Open the link in the e-mail we sent "
            "when you signed up, or ask for a new one."
        ),
    }

    #: True when the right password was typed for an account still waiting for confirmation
    #: (the login page then offers a new link).
    unconfirmed = False

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login" and self._awaiting_confirmation():
                self.unconfirmed = True
                raise forms.ValidationError(
                    self.error_messages["unconfirmed"], code="unconfirmed"
                ) from None
            raise

    def _awaiting_confirmation(self) -> bool:
        """Said only to whoever knows the password, as for any other account."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            return False
        return user.awaiting_confirmation and not user.is_active and user.check_password(password)


class SignupForm(SpecificRequiredMessagesMixin, auth_forms.UserCreationForm):
    """Sign-up asks only for what an account needs; profiles are filled in later."""

    kind = forms.ChoiceField(
        label=_("I am signing up as"),
        choices=[
            (AccountKind.TALENT, _("a talent (individual)")),
            (AccountKind.ENTERPRISE, _("a member of an enterprise")),
            (AccountKind.INVESTOR, _("a member of an investment institution")),
        ],
        widget=forms.RadioSelect,
        initial=AccountKind.TALENT,
        error_messages={"required": _("Select what you are signing up as.")},
    )
    accept_privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree to my data being processed for my account"
        ),
        required=True,
    )

    class Meta:
        model = User
        fields = ["kind", "username", "email", "display_name"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["display_name"].required = False
        self.fields["password2"].error_messages["required"] = _("Enter the password again.")

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])

    def validate_constraints(self):
        # Never "this address is taken": sign-up answers the same whether or not an account
        # has the address, and only its mailbox learns which (talentportal.signup).
        exclude = self._get_validation_exclusions() | {"email"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def clean_username(self):
        username = super().clean_username()
        if username and username.lower().startswith(DEMO_USERNAME_PREFIX):
            raise forms.ValidationError(
                _("Usernames that begin with “%(prefix)s” are kept for the demo accounts."),
                params={"prefix": DEMO_USERNAME_PREFIX},
            )
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with that username already exists."))
        return username


class ResendForm(SpecificRequiredMessagesMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])


class LanguageSelect(forms.Select):
    """A choice of languages, each named in itself ("简体中文", "English") and marked so
    (`lang`), as language switchers do: readable by whoever needs it, read aloud right."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class AccountForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "preferred_language"]
        widgets = {
            "preferred_language": LanguageSelect,
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if email and taken.exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean_phone(self):
        phone = self.cleaned_data["phone"].replace(" ", "").replace("-", "")
        if phone and not (phone.lstrip("+").isdigit() and 7 <= len(phone.lstrip("+")) <= 15):
            raise forms.ValidationError(_("Enter a phone number of 7 to 15 digits."))
        return phone


class TokenForm(SpecificRequiredMessagesMixin, forms.Form):
    """A six-digit code from the authenticator app, or an eight-digit backup code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code your authenticator app shows, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) not in (6, 8):
            raise forms.ValidationError(_("Enter the 6-digit code or an 8-digit backup code."))
        return token


class SetPasswordForm(SpecificRequiredMessagesMixin, auth_forms.SetPasswordForm):
    """A new password, typed twice: after following a reset link, or (below) with the
    current one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password2"].error_messages["required"] = _("Enter the new password again.")


class PasswordChangeForm(SetPasswordForm, auth_forms.PasswordChangeForm):
    """The current password, then the new one twice."""


class PasswordResetForm(SpecificRequiredMessagesMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
