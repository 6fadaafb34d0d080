"""What every app's pages do with a refused form."""

from typing import TypeVar

from django.forms import BaseForm

AnyForm = TypeVar("AnyForm", bound=BaseForm)


def form_focused(form: AnyForm) -> AnyForm:
    """A refused form's first field in error gets the focus when the page loads, which scrolls it into view.

    Its errors are read out with it (the field's ``aria-describedby``, see templates/form_fields.html);
    errors above the form are focused by the template instead, being first on the page.
    """
    if form.is_bound and form.errors:
        first = next((name for name in form.fields if name in form.errors), None)
        if first is not None:
            form.fields[first].widget.attrs["autofocus"] = True
    return form
