"""A service's refusal on a form. A refusal shown as a message on the next page is ``core.errors.refused``."""

from django.core.exceptions import ValidationError
from django.forms import Form


def form_refused(form: Form, exc: ValidationError) -> None:
    """The refusal on its field when the form has one, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
