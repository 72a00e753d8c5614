"""Fixtures for the fair pages: a signed-in organiser and an entrepreneur."""

import pytest


@pytest.fixture
def organizer(make, auth):
    user = make.organizer(email="lucia@example.hn", name="Lucía Mejía")
    auth.login("lucia@example.hn")
    return user


@pytest.fixture
def entrepreneur(make, auth):
    user = make.user(email="rosa@example.hn", name="Rosa Ortiz")
    auth.login("rosa@example.hn")
    return user
