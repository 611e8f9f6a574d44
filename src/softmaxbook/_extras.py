"""The optional parts of the package and the extra that installs what each imports."""


def missing_extra(module, extra, err):
    """The ImportError to raise when `module` cannot import its extra's packages."""
    return ImportError(f"{module} needs the `{extra}` extra: pip install 'softmaxbook[{extra}]' ({err})")
