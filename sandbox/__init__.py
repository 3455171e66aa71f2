"""The local sandbox: provision the real Pulumi program into moto, then audit it (issue 7).

- ``deployer``: a stand-in for ``pulumi up`` (the program under Pulumi mocks that create in moto)
- ``emulator``: moto's server on 127.0.0.1, stopped on exit or Ctrl-C
- ``legacy``: a member account seeded with common CloudTrail misconfigurations
- ``demo`` / ``plan``: ``python -m sandbox demo|plan``

Nothing here imports pulumi, boto3 or moto at module top level: ``python -m sandbox --help``
must start fast, so each module imports them inside the functions that need them.
"""
