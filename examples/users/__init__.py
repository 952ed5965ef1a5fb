"""The users service (`specs/users.yaml`): accounts, OAuth2 sign-in and administration.

Run it with `python -m examples.users migrate` and then
`uvicorn --factory examples.users.app:create_app`.
"""
