#!/usr/bin/env python3
"""Writes the request target's seeds (testdata/fuzz/request/seed-*) from real request shapes: MISP 2.5.1's
MISP-to-MISP requests of the sync trace (misp-samples/real-2.5.1/sync-trace.jsonl), an event as MISP writes it
(events_add__orgC.json), and PyMISP's calls (restSearch bodies, form bodies, named and ordered URL parameters,
writes). Framing: tests/TlpGateway.Fuzz/FuzzRequest.cs. Usage: make-request-seeds.py SAMPLES_DIR OUT_DIR"""
import json, os, sys

samples, out = sys.argv[1], sys.argv[2]
UA = {"member": "PyMISP 2.5.1 - Python 3.11", "third": "PyMISP 2.5.1 - Python 3.11", "sync": "MISP 2.5.1"}
OWN = "1bfc1897-b375-497c-9f02-b164e32bc94a"      # FuzzMisp: ends in 'a', the requester's own
OTHER = "65aa614a-bd60-46db-96d8-ae207ba58738"    # ends in '8': another organisation's
seeds = {}


def seed(name, who, method, target, body=b"", content_type="application/json", extra=()):
    if isinstance(body, (dict, list)):
        body = json.dumps(body, separators=(",", ":")).encode()
    elif isinstance(body, str):
        body = body.encode()
    head = [f"{who} {method} {target}", f"User-Agent: {UA[who]}", "Accept: application/json"]
    if content_type:
        head.append(f"Content-Type: {content_type}")
    head += list(extra)
    seeds[name] = ("\n".join(head) + "\n\n").encode() + body


# MISP's own pull and push (one of each shape), as the member's MISP server.
with open(os.path.join(samples, "sync-trace.jsonl")) as trace:
    seen = set()
    for line in trace:
        x = json.loads(line)
        shape = (x["method"], "/".join(x["path"].split("/")[:3]))
        if shape in seen:
            continue
        seen.add(shape)
        headers = {k.lower(): v for k, v in x["request_headers"]}
        extra = ["X-Fuzz-Encode: gzip"] if headers.get("content-encoding") == "gzip" else []
        name = "seed-sync-%02d-%s-%s" % (x["seq"], x["method"].lower(), x["path"].split("/")[1] + "-" + x["path"].split("/")[2].split(".")[0])
        seed(name, "sync", x["method"], x["path"], x.get("request_body") or b"", headers.get("content-type"), extra)

# An event as MISP 2.5.1 writes it, added by a member and edited by its owner; the same claiming another source.
with open(os.path.join(samples, "events_add__orgC.json")) as f:
    event = json.load(f)
seed("seed-event-add-member", "member", "POST", "/events/add", event)
seed("seed-event-edit-member", "member", "POST", f"/events/edit/{OWN}", event)
untagged = json.loads(json.dumps(event))
untagged["Event"].pop("Tag", None)
untagged["Event"]["Orgc"] = {"name": "ORG_C", "uuid": "699a69b5-3603-4906-bb08-7be821f84189"}
seed("seed-event-add-untagged-foreign-source", "member", "POST", "/events/add/metadata:1", untagged)
seed("seed-event-edit-other-org", "member", "PUT", f"/events/{OTHER}", event)

# PyMISP's searches.
seed("seed-pymisp-events-search", "member", "POST", "/events/restSearch",
     {"returnFormat": "json", "value": "8.8.8.8", "tags": ["tlp:green", "!tlp:red"], "published": 1, "limit": 10, "page": 1, "includeEventUuid": 1})
seed("seed-pymisp-events-search-request", "third", "POST", "/events/restSearch",
     {"request": {"returnFormat": "json", "eventid": [1, 2], "excludeLocalTags": 1, "metadata": True}})
seed("seed-pymisp-attributes-search", "member", "POST", "/attributes/restSearch",
     {"returnFormat": "json", "type": ["ip-dst", "domain"], "to_ids": True, "includeEventTags": False, "last": "7d"})
seed("seed-pymisp-attributes-csv", "member", "POST", "/attributes/restSearch", {"returnFormat": "csv", "type": "ip-dst"})
seed("seed-url-named-search", "member", "GET", "/events/restSearch/returnFormat:json/value:8.8.8.8/tags:tlp%3Agreen/limit:5", content_type=None)
seed("seed-url-ordered-search", "sync", "GET", "/attributes/restSearch/json/null/ip-dst/Network%20activity", content_type=None)
seed("seed-form-search", "member", "POST", "/events/restSearch", "value=1.2.3.4&returnFormat=json&tags[]=tlp:green&tags[]=tlp:clear",
     "application/x-www-form-urlencoded")
seed("seed-form-data-search", "third", "POST", "/attributes/restSearch", "data[value]=evil.example&data[type]=domain",
     "application/x-www-form-urlencoded; charset=utf-8")
seed("seed-pymisp-sightings-search", "member", "POST", "/sightings/restSearch/attribute", {"returnFormat": "json", "id": "28"})
seed("seed-pymisp-clusters-search", "sync", "POST", "/galaxy_clusters/restSearch", {"minimal": True, "published": True})
seed("seed-pymisp-index", "third", "POST", "/events/index", {"minimal": 0, "searchpublished": 1, "searchinfo": "phish"})
seed("seed-pymisp-get-event", "member", "POST", f"/events/view/{OWN}", {"deleted": [0, 1], "extended": 0, "includeGranularCorrelations": 1})
seed("seed-events-view-named", "third", "HEAD", "/Events/View/5/excludeLocalTags:1/includeWarninglistHits:1.json", content_type=None)
seed("seed-users-view-me", "member", "GET", "/users/view/me", content_type=None)

# PyMISP's writes.
seed("seed-pymisp-add-attribute", "member", "POST", "/attributes/add/5", {"type": "ip-dst", "value": "198.51.100.7", "to_ids": True, "Tag": [{"name": "tlp:green"}]})
seed("seed-pymisp-add-attributes-list", "member", "POST", "/attributes/add/5", [{"type": "domain", "value": "a.example"}, {"type": "domain", "value": "b.example"}])
seed("seed-pymisp-edit-attribute", "member", "PUT", "/attributes/edit/25", {"Attribute": {"comment": "false positive", "to_ids": False}})
seed("seed-pymisp-add-object", "member", "POST", "/objects/add/5", {"Object": {"name": "domain-ip", "meta-category": "network", "template_uuid": "43b3b146-77eb-4931-b4cc-b66c60f28734", "template_version": "9",
     "Attribute": [{"object_relation": "domain", "type": "domain", "value": "c.example"}, {"object_relation": "ip", "type": "ip-dst", "value": "203.0.113.9"}]}})
seed("seed-pymisp-tag", "member", "POST", "/tags/attachTagToObject", {"uuid": OWN, "tag": "tlp:green", "local": 0})
seed("seed-pymisp-add-tag-event", "third", "POST", "/events/addTag/15", {"tag": "tlp:clear"})
seed("seed-pymisp-proposal", "third", "POST", f"/shadow_attributes/add/{OTHER}", {"ShadowAttribute": {"type": "ip-src", "value": "192.0.2.1", "category": "Network activity"}})
seed("seed-pymisp-sighting", "member", "POST", "/sightings/add", {"uuid": "bce90176-e5d7-4cb4-b433-e6dc2785e6e8", "type": "0", "source": "sensor"})
seed("seed-pymisp-report", "member", "POST", "/event_reports/add/5", {"EventReport": {"name": "Report", "content": "See @[attribute](bce90176-e5d7-4cb4-b433-e6dc2785e6e8)", "distribution": "5"}})
seed("seed-pymisp-note", "member", "POST", f"/analyst_data/add/Note/{OWN}/Event", {"note": "seen in our network", "language": "en"})
seed("seed-pymisp-publish", "member", "POST", "/events/publish/15", content_type=None)
seed("seed-pymisp-delete-other", "member", "DELETE", "/events/delete/18", content_type=None)
seed("seed-pymisp-freetext", "member", "POST", "/events/freeTextImport/5", {"value": "198.51.100.1 evil.example", "adhereToWarninglists": True})
seed("seed-sync-publish-refused", "sync", "POST", "/events/publish/15", content_type=None)
seed("seed-form-attribute-add", "member", "POST", "/attributes/add/5", "data[Attribute][type]=ip-dst&data[Attribute][value]=198.51.100.3",
     "application/x-www-form-urlencoded")

# Whose event a write names (FuzzMisp: a reference ending in 8 is another organisation's, in 9 withheld), in the path and in the body.
# Seeds the gateway refuses say so in their names (-other: a change to another organisation's event, -withheld,
# -refused); a contribution to another organisation's event (-foreign) is forwarded.
for end, whose in (("5", "own"), ("8", "other"), ("9", "withheld")):
    contributed = "foreign" if whose == "other" else whose
    seed(f"seed-target-{whose}-edit-attribute", "member", "POST", f"/attributes/edit/2{end}", {"Attribute": {"comment": "x"}})
    seed(f"seed-target-{contributed}-proposal", "third", "POST", f"/shadow_attributes/add/1{end}", {"ShadowAttribute": {"type": "ip-dst", "value": "192.0.2.9"}})
    seed(f"seed-target-{whose}-delete-by-body", "member", "POST", "/events/delete", {"id": f"1{end}"})
    seed(f"seed-target-{contributed}-sighting-by-body", "member", "POST", "/sightings/add", {"uuid": f"bce90176-e5d7-4cb4-b433-e6dc2785e6e{end}"})

# Named parameters off the searches: those the action reads and the gateway understands are forwarded, the rest not
# (AppController's disable_background_processing, a site admin's viewAs, the index's raw SQL order, its creator filter).
seed("seed-named-view-read-and-unread", "member", "GET", f"/events/view/{OWN}/deleted[]:0/deleted[]:1/includeGranularCorrelations:1/viewAs:1/disable_background_processing:1", content_type=None)
seed("seed-named-index-filters", "member", "GET", "/events/index/searchAll:x/searcheventinfo:y/searchemail:a@b.c/order:Event.user_id/page:1/limit:5", content_type=None)
seed("seed-named-index-body", "sync", "POST", "/events/index", {"request": {"searchpublished": 1, "Org": "x", "order": "Event.id", "includeAnalystData": 1, "limit": 10}})
seed("seed-named-proposal-index", "sync", "GET", "/shadow_attributes/index/all:1/timestamp:1/deleted[]:0/deleted[]:1/sort:value1/page:1", content_type=None)
seed("seed-named-write", "member", "POST", "/attributes/add/5/breakOnDuplicate:0/disable_background_processing:1", {"type": "comment", "value": "x"})
seed("seed-named-delete-hard", "member", "POST", "/attributes/delete/25/hard:1", content_type=None)

# Reads that are no search, with bodies: the keys their action reads and some it does not (PyMISP's sightings(org=...) on the index).
seed("seed-body-read-sightings-index", "member", "POST", "/sightings/index", {"org_id": "4"})
seed("seed-body-read-list-sightings", "member", "POST", "/sightings/listSightings", {"id": "5", "context": "event", "org_id": "4", "includeEvent": 1, "request": {"id": "8"}})
# A sightings list's targets, judged before MISP is asked: a list of ids, spellings MySQL reads as numbers, a list in the body.
seed("seed-read-sightings-list-of-ids", "member", "GET", "/sightings/listSightings/25|26|05/attribute", content_type=None)
seed("seed-read-sightings-list-spellings-refused", "third", "GET", "/sightings/listSightings/25abc/event", content_type=None)
seed("seed-body-read-sightings-list-of-ids", "member", "POST", "/sightings/listSightings", {"id": "25|26", "context": "attribute"})
seed("seed-body-read-event-view", "member", "POST", f"/events/view/{OWN}", {"deleted": 1, "extended": 0, "includeAttachments": 0})
seed("seed-body-read-analyst-index", "sync", "POST", "/analyst_data/indexMinimal", {"orgc_name": ["!ORG_C"], "uuid": "x"})

# Targets MISP reads from the body: the path's absent (analyst data, a tag by uuid, an object reference's object_uuid).
for end, whose in (("5", "own"), ("8", "other"), ("9", "withheld")):
    contributed = "foreign" if whose == "other" else whose
    seed(f"seed-body-target-{contributed}-note", "member", "POST", "/analyst_data/add/Note", {"Note": {"note": "x", "object_uuid": f"bce90176-e5d7-4cb4-b433-e6dc2785e6e{end}", "object_type": "Attribute"}})
    seed(f"seed-body-target-{whose}-tag", "member", "POST", "/tags/attachTagToObject", {"uuid": f"bce90176-e5d7-4cb4-b433-e6dc2785e6e{end}", "tag": "tlp:green"})
    # ObjectReferencesController::add reads the body's object_uuid (top level, when none is passed), and what it points at:
    # one the requester may receive, whoever owns it (an event the object's event extends may be another organisation's).
    seed(f"seed-body-target-{whose}-reference", "member", "POST", "/object_references/add", {"object_uuid": f"bce90176-e5d7-4cb4-b433-e6dc2785e6e{end}", "ObjectReference": {"referenced_uuid": OTHER, "relationship_type": "related-to"}})
    seed(f"seed-body-target-{contributed}-referenced", "member", "POST", "/object_references/add/25", {"referenced_uuid": f"bce90176-e5d7-4cb4-b433-e6dc2785e6e{end}", "relationship_type": "related-to"})

# Writes whose body carries ids and flags alone: the keys and passed arguments their action reads, and some it does not.
seed("seed-body-write-publish-extra-arguments", "member", "POST", f"/events/publish/{OWN}/{OTHER}/7", {"id": OTHER, "Event": {"id": OTHER}})
seed("seed-body-write-delete-event", "member", "POST", "/events/delete", {"Event": {"id": OWN, "info": "x"}, "uuid": OTHER})
seed("seed-body-write-remove-event-tag", "member", "POST", "/events/removeTag", {"request": {"Event": {"id": "15", "tag": "tlp:green", "local": 1}}, "id": "18"})
seed("seed-body-write-remove-event-tag-nested-other", "member", "POST", f"/events/removeTag/{OWN}/3", {"Event": {"Event": {"id": "18"}}})
seed("seed-body-write-remove-attribute-tag", "member", "POST", "/attributes/removeTag", {"Attribute": {"id": "25", "tag_id": "3", "event_id": "18"}})
seed("seed-body-write-delete-selected", "member", "POST", "/attributes/deleteSelected/15", {"id": ["25", "26"], "event_id": "15", "allow_hard_delete": 1, "comment": "x"})
seed("seed-body-write-delete-selected-list", "member", "POST", "/attributes/deleteSelected/15/0/5", {"Attribute": ["25", "26"]})
seed("seed-body-write-delete-hard", "member", "POST", "/objects/delete/25/1", {"hard": 1, "uuid": OTHER})
seed("seed-body-write-attach-cluster", "member", "POST", "/galaxies/attachCluster/15/event/x", {"Galaxy": {"target_id": "7", "uuid": OTHER}, "local": 1})
seed("seed-body-write-attach-clusters", "member", "POST", "/galaxies/attachMultipleClusters/25/attribute", {"Galaxy": {"target_ids": "[\"7\"]", "mirror_on_event": 1, "attribute_ids": "[\"28\"]"}})
seed("seed-body-write-remove-tag-from-object", "member", "POST", "/tags/removeTagFromObject", {"uuid": OWN, "tag": "tlp:green", "local": 1})
seed("seed-body-write-proposal-to-delete", "third", "POST", "/shadow_attributes/delete/25/26", {"id": "29"})
seed("seed-body-write-sighting-uuids", "sync", "POST", f"/sightings/filterSightingUuidsForPush/{OWN}", ["5e1f0000-0000-4000-8000-000000000001", "5e1f0000-0000-4000-8000-000000000002"])
seed("seed-body-push-filter-event-ids", "sync", "POST", "/events/filterEventIdsForPush/5", [{"Event": {"uuid": OWN, "timestamp": "1795342387", "info": "x"}, "Attribute": []}])
seed("seed-body-write-sighting-uuids-refused", "sync", "POST", f"/sightings/filterSightingUuidsForPush/{OWN}", [{"uuid": "5e1f0000-0000-4000-8000-000000000001"}])

# Reads and writes of content with passed arguments beyond those their action reads (a search maps its ordered ones).
seed("seed-read-event-view-extra-arguments", "member", "GET", f"/events/view/{OTHER}/1/{OWN}/deleted:1", content_type=None)
seed("seed-read-attribute-view-extra-arguments", "member", "GET", "/attributes/view/25/x", content_type=None)
seed("seed-read-report-index-extra-arguments", "member", "GET", "/event_reports/index/5/event_id:15", content_type=None)
seed("seed-read-sightings-list-extra-arguments", "member", "POST", "/sightings/listSightings/25/attribute/4/9", {"context": "attribute"})
seed("seed-read-analyst-data-view-extra-arguments", "sync", "GET", f"/analyst_data/view/Note/{OWN}/extra", content_type=None)
seed("seed-read-proposals-index-extra-arguments", "sync", "GET", f"/shadow_attributes/index/{OWN}/9/all:1", content_type=None)
seed("seed-read-search-ordered-extra-arguments", "member", "GET", "/attributes/restSearch/json/8.8.8.8/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/5/2/z/z1/z2/z3/z4", content_type=None)
# limit and page (the gateway releases the page itself): whole numbers only, in every place MISP reads them.
seed("seed-page-search-ordered-refused", "member", "GET", "/attributes/restSearch/json/8.8.8.8/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y", content_type=None)
seed("seed-page-search-body", "member", "POST", "/events/restSearch", {"returnFormat": "json", "limit": 2, "page": "3"})
seed("seed-page-search-wrapper", "member", "POST", "/attributes/restSearch", {"request": {"value": "8.8.8.8", "limit": "5"}})
seed("seed-page-search-named", "member", "GET", "/events/restSearch/limit:1/page:2/eventid:4", content_type=None)
seed("seed-page-search-negative-refused", "member", "POST", "/events/restSearch", {"returnFormat": "json", "limit": -1})
seed("seed-page-index-body", "sync", "POST", "/events/index", {"minimal": 1, "limit": 10, "page": 2})
seed("seed-page-index-named", "sync", "GET", "/events/index/limit:10/page:2/sort:timestamp", content_type=None)
seed("seed-page-index-not-a-number-refused", "member", "POST", "/events/index", {"limit": "10abc"})
seed("seed-page-proposals-named", "sync", "GET", "/shadow_attributes/index/all:1/limit:5/page:1", content_type=None)
seed("seed-write-add-tag-extra-arguments", "member", "POST", f"/events/addTag/{OWN}/3/1", {"tag": "tlp:green"})

os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(len(seeds), "seeds in", out)
