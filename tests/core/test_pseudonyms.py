import re

from django.test import override_settings

from tutoria_cms.core.pseudonyms import Pseudonymiser


def test_stable_short_and_prefixed():
    pseudonymise = Pseudonymiser(key="k1")
    first = pseudonymise("A000123")
    assert first == pseudonymise("A000123") == pseudonymise(" a000123 ")
    assert re.fullmatch(r"S-[A-Z2-7]{12}", first)
    assert first != pseudonymise("A000124")
    assert "A000123" not in first
    assert pseudonymise("") == "" and pseudonymise(None) == ""


def test_different_keys_give_different_pseudonyms():
    assert Pseudonymiser(key="k1")("A000123") != Pseudonymiser(key="k2")("A000123")
    assert Pseudonymiser(key="k1").key_id != Pseudonymiser(key="k2").key_id


def test_key_from_settings_else_derived_from_secret_key():
    with override_settings(TUTORIA_CMS={"PSEUDONYMISATION_KEY": "from-settings"}):
        configured = Pseudonymiser()
        assert configured.key_source == "setting"
        assert configured("A1") == Pseudonymiser(key="from-settings")("A1")
    with override_settings(TUTORIA_CMS={}, SECRET_KEY="s1"):
        derived = Pseudonymiser()
        assert derived.key_source == "secret_key"
        # Not the secret key itself.
        assert derived("A1") != Pseudonymiser(key="s1")("A1")
    with override_settings(TUTORIA_CMS={}, SECRET_KEY="s2"):
        assert Pseudonymiser()("A1") != derived("A1")


def test_repr_hides_the_key():
    assert "secret" not in repr(Pseudonymiser(key="secret"))
