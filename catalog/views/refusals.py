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


def form_focused(form: Form) -> Form:
    """A refused form's first field in error gets the focus when the page loads, which scrolls it into view.

    Its errors are read out with it (the field's ``aria-describedby``, see templates/form_fields.html);
    errors above the form are focused by the template instead, being first on the page.
    """
    if form.is_bound and form.errors:
        first = next((name for name in form.fields if name in form.errors), None)
        if first is not None:
            form.fields[first].widget.attrs["autofocus"] = True
    return form
