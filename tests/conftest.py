"""Shared pytest set-up.  Keep this minimal: area fixtures live in their own plugin modules."""

pytest_plugins = ("tests.flows_fixtures", "tests.hypothesis_profiles")
