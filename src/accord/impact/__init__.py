"""The impact of a change of law on the docket and on operations (issue 20): `accord impact`,
`GET /api/v1/impact/...` and the dashboard's Impact page. Nothing here writes."""
