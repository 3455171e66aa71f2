"""The filter pattern engine: grammar, precedence, value matching, missing-field semantics, error positions."""
from __future__ import annotations

import pytest

from checks.filterpattern import And, Compare, FilterPatternError, Is, Or, matches, parse

EVENT = {
    "eventName": "UpdateTrail",
    "errorCode": "Client.UnauthorizedOperation",
    "latency": 750,
    "port": "443",
    "flag": True,
    "nothing": None,
    "userIdentity": {"type": "IAMUser", "sessionContext": {"attributes": {"mfaAuthenticated": "false"}}},
    "resources": [{"ARN": "arn:aws:s3:::logs", "type": "AWS::S3::Bucket"}, {"ARN": "arn:aws:kms:k"}],
    "matrix": [[0, 1], [2, 3]],
    "tags": ["a", "b"],
}


@pytest.mark.parametrize("pattern, expected", [
    ('{ $.eventName = "UpdateTrail" }', True),
    ("{ $.eventName = UpdateTrail }", True),
    ("{$.eventName=UpdateTrail}", True),
    ('{ $.eventName = "updatetrail" }', False),  # case sensitive
    ('{ $.eventName != "UpdateTrail" }', False),
    ('{ $.eventName != "CreateTrail" }', True),
    ('{ $.userIdentity.type = "IAMUser" }', True),
    ('{ $.userIdentity.sessionContext.attributes.mfaAuthenticated = "false" }', True),
    ('{ $.resources[1].ARN = "arn:aws:kms:k" }', True),
    ('{ $.resources[5].ARN = "arn:aws:kms:k" }', False),
    ("{ $.matrix[1][0] = 2 }", True),
    ('{ $.tags[0] = "a" }', True),
])
def test_selectors_and_equality(pattern, expected):
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize("pattern, expected", [
    ('{ $.errorCode = "*UnauthorizedOperation" }', True),  # prefix wildcard
    ('{ $.errorCode = "Client.*" }', True),  # suffix wildcard
    ('{ $.errorCode = "*Unauthorized*" }', True),  # both ends
    ('{ $.errorCode = "Client*Operation" }', False),  # interior '*' is literal per the docs
    ('{ $.errorCode = "AccessDenied*" }', False),
    ("{ $.eventName = * }", True),
    ("{ $.missing = * }", False),
    ('{ $.errorCode = %Unauthorized[A-Z]% }', True),
    ('{ $.errorCode = %^Access% }', False),
])
def test_wildcards_and_regex(pattern, expected):
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize("pattern, expected", [
    ("{ $.latency >= 500 }", True),
    ("{ $.latency > 750 }", False),
    ("{ $.latency <= 7.5e2 }", True),
    ("{ $.latency = 750.0 }", True),
    ("{ $.latency != 751 }", True),
    ("{ $.port = 443 }", True),  # unquoted number against a numeric string: textual equality
    ("{ $.port < 1024 }", True),
    ("{ $.eventName > 5 }", False),  # not a number: false, never an exception
])
def test_numeric_comparisons(pattern, expected):
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize("pattern, expected", [
    ("{ $.flag IS TRUE }", True),
    ("{ $.flag IS FALSE }", False),
    ('{ $.port IS TRUE }', False),  # only JSON booleans
    ("{ $.nothing IS NULL }", True),
    ("{ $.missing IS NULL }", False),
    ("{ $.missing NOT EXISTS }", True),
    ("{ $.nothing NOT EXISTS }", False),
    ("{ $.userIdentity.invokedBy NOT EXISTS }", True),
    ("{ $.flag is true }", True),  # keywords in any case
])
def test_is_and_not_exists(pattern, expected):
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize("pattern", [
    '{ $.missing != "x" }',  # a comparison on a missing field is false, "!=" included
    '{ $.nothing != "x" }',  # JSON null is not a value node
    '{ $.userIdentity != "x" }',  # objects and arrays are not value nodes
    '{ $.tags = "a" }',
    '{ $.tags != "a" }',
])
def test_comparisons_on_missing_null_or_container_are_false(pattern):
    assert matches(pattern, EVENT) is False


def test_and_binds_tighter_than_or():
    # documented examples: "() > && > ||"
    assert matches('{ $.eventName = UpdateTrail || $.flag IS FALSE && $.latency = 1 }', EVENT)
    assert not matches('{ ($.eventName = UpdateTrail || $.flag IS FALSE) && $.latency = 1 }', EVENT)
    tree = parse("{ $.a = 1 || $.b = 2 && $.c = 3 }")
    assert isinstance(tree, Or) and isinstance(tree.items[1], And)


def test_parse_builds_typed_nodes():
    tree = parse('{ ($.x = "a b") && $.y NOT EXISTS }')
    assert tree == And((Compare(("x",), "=", "a b", quoted=True), Is(("y",), "NOT_EXISTS")))


def test_quoted_value_keeps_escaped_quote():
    assert matches(r'{ $.msg = "say \"hi\"" }', {"msg": 'say "hi"'})


def test_empty_pattern_matches_everything():
    assert matches("", {}) and matches("   ", EVENT)


@pytest.mark.parametrize("pattern, column, expected", [
    ("{ $.a = }", 9, "expected a value"),
    ("{ $.a = b", 10, "expected '&&', '||' or '}'"),
    ('{ $.a = "x }', 9, "closing '\"'"),
    ("ERROR", 1, "expected '{'"),
    ("{ $.a = b & $.c = d }", 11, "expected '&&'"),
    ("{ a = b }", 3, "selector starting with '$.'"),
    ("{ $.a IS MAYBE }", 10, "TRUE, FALSE or NULL"),
    ("{ $.a NOT THERE }", 11, "EXISTS"),
    ("{ $.a < x }", 9, "expected a number"),
    ("{ $.a..b = 1 }", 6, "'.name' or '[index]'"),
    ("{ ($.a = 1 }", 12, "')'"),
    ("{ $.a = 1 } x", 13, "end of the pattern"),
    ("{}", 2, "selector"),
    ("{ $.a ! b }", 7, "operator"),
    ("{ $.a = %[% }", 9, "regular expression"),
])
def test_malformed_pattern_names_column_and_expectation(pattern, column, expected):
    with pytest.raises(FilterPatternError) as info:
        parse(pattern)
    assert info.value.column == column
    assert f"column {column}:" in str(info.value) and expected in str(info.value)


def test_matches_rejects_non_dict_event():
    with pytest.raises(TypeError):
        matches("{ $.a = 1 }", ["not", "an", "event"])
