// Viewer request, app behaviours of the solo distribution: API Gateway routes by the Host header,
// so CloudFront sends it the origin's own name and the site's host rides along in X-Sgoodie-Host,
// which API Gateway puts back into Host for the app (SGOODIE_ALLOWED_HOSTS, CSRF's referrer check).
// Whatever the visitor sent in that header is overwritten here.
function handler(event) {
  var request = event.request;
  request.headers['x-sgoodie-host'] = { value: request.headers.host ? request.headers.host.value : '' };
  return request;
}
