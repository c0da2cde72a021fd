def test_healthz_reports_both_stores(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["content_store"]["ok"] and body["checks"]["blob_store"]["ok"]
