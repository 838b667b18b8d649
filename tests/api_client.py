"""A test client speaking to /api/v1 as one user, with the bearer token it got from POST /api/v1/tokens."""

from tests.factories import PASSWORD

API = "/api/v1"


class ApiUser:
    def __init__(self, client, username: str, password: str = PASSWORD):
        response = client.post(f"{API}/tokens", json={"username": username, "password": password})
        assert response.status_code == 201, response.get_json()
        self.client = client
        self.token = response.get_json()["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kwargs):
        return self.client.get(API + path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(API + path, headers=self.headers, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.client.patch(API + path, headers=self.headers, **kwargs)

    def nomination(self, nomination_id: int) -> dict:
        response = self.get(f"/nominations/{nomination_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def act(self, nomination_id: int, action: str, **body):
        return self.post(f"/nominations/{nomination_id}/actions/{action}", json=body)
