"""The project's local AWS emulator: moto's server plus the CloudFormation models we add to it.

`python -m emulator start|stop|status|endpoint|fidelity`; the same as functions in
`emulator.server` and `emulator.fidelity`. The stacks never import this package.
"""
