"""The runnable parts the guide ships for contributors: the fake provider (`fake_provider`) and the conformance
kit (`conformance`). They import MassGen at run time, and nothing of the guide: a test inside MassGen may use
them without the rest of this package.
"""
