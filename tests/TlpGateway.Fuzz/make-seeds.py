# Writes the fuzz corpus seeds seed-kinds-* (each item kind the oracle judges, in MISP 2.5.1 shapes,
# one file per requester: FilterTarget picks the requester by length % 3) into the folder given.
# Usage: python3 tests/TlpGateway.Fuzz/make-seeds.py testdata/fuzz/filter   (from the repository root)
import json, copy, sys
S='testdata/misp-samples/real-2.5.1/'
out=sys.argv[1]
def load(n): return json.load(open(S+n))
def tag(n): return {"id":"99","name":n,"colour":"#CC0033","exportable":True,"user_id":"0","hide_tag":False,"numerical_value":None,"is_galaxy":False,"is_custom_galaxy":False,"local_only":False,"local":0,"relationship_type":None}
def write_text(name, text):
    for r in range(3):
        t=text+"\n"
        while len(t.encode())%3!=r: t+=" "
        open(f"{out}/seed-kinds-{name}-r{r}.json","w").write(t)
def write(name, doc, trailer=""):
    write_text(name, json.dumps(doc, indent=4, ensure_ascii=True)+trailer)
rich=load('events_view_rich__admin.json')['Event']
objrep=load('events_view_objects_report__orgC.json')['Event']
orgx={"id":"7","name":"ORG_SECRETSRC","uuid":"5e5e5e5e-0000-4000-8000-00000000e5e5","local":True}
def note(uuid, target, ttype, nested=None):
    n={"id":"1","uuid":uuid,"object_uuid":target,"object_type":ttype,"authors":"analyst@org-secret.test","org_uuid":orgx["uuid"],"orgc_uuid":orgx["uuid"],"created":"2026-11-22 10:00:00","modified":"2026-11-22 10:00:00","distribution":"5","sharing_group_id":None,"locked":False,"note":"Seen in the network.","language":"en","note_type":0,"note_type_name":"Note","Org":orgx,"Orgc":orgx}
    if nested: n.update(nested)
    return n
def opinion(uuid, target):
    return {"id":"2","uuid":uuid,"object_uuid":target,"object_type":"Note","authors":"analyst@org-secret.test","org_uuid":orgx["uuid"],"orgc_uuid":orgx["uuid"],"created":"2026-11-22 10:00:00","modified":"2026-11-22 10:00:00","distribution":"5","sharing_group_id":None,"locked":False,"opinion":"80","comment":"agree","note_type":1,"note_type_name":"Opinion","Org":orgx,"Orgc":orgx}
def relationship(uuid, target, related):
    return {"id":"3","uuid":uuid,"object_uuid":target,"object_type":"Event","authors":"analyst@org-secret.test","org_uuid":orgx["uuid"],"orgc_uuid":orgx["uuid"],"created":"2026-11-22 10:00:00","modified":"2026-11-22 10:00:00","distribution":"5","sharing_group_id":None,"locked":False,"relationship_type":"related-to","related_object_uuid":related,"related_object_type":"Attribute","note_type":2,"note_type_name":"Relationship","Org":orgx,"Orgc":orgx}

def event(level_tags):
    e=copy.deepcopy(objrep)
    e['Tag']=[tag(t) for t in level_tags]
    e['Orgc']=dict(orgx); e['Org']=dict(orgx); e['event_creator_email']='creator@org-secret.test'
    # the file object loses every attribute: all red
    f=e['Object'][0]; d=e['Object'][1]
    for a in f['Attribute']: a['Tag']=[tag('tlp:red')]
    red_obj_attr=f['Attribute'][0]
    d['ObjectReference']=[
      {"id":"1","uuid":"7e7e7e7e-0000-4000-8000-0000000000a1","timestamp":"1795342542","object_id":d['id'],"referenced_uuid":f['uuid'],"referenced_id":f['id'],"referenced_type":"1","relationship_type":"drops","comment":"","deleted":False,"event_id":e['id'],"source_uuid":d['uuid'],"Object":{"distribution":"5","sharing_group_id":"0"}},
      {"id":"2","uuid":"7e7e7e7e-0000-4000-8000-0000000000a2","timestamp":"1795342542","object_id":d['id'],"referenced_uuid":red_obj_attr['uuid'],"referenced_id":red_obj_attr['id'],"referenced_type":"0","relationship_type":"drops","comment":"","deleted":False,"event_id":e['id'],"source_uuid":d['uuid'],"Object":{"distribution":"5","sharing_group_id":"0"}},
      {"id":"3","uuid":"7e7e7e7e-0000-4000-8000-0000000000a3","timestamp":"1795342542","object_id":d['id'],"referenced_uuid":d['Attribute'][1]['uuid'],"referenced_id":d['Attribute'][1]['id'],"referenced_type":"0","relationship_type":"resolves-to","comment":"","deleted":False,"event_id":e['id'],"source_uuid":d['uuid'],"Object":{"distribution":"5","sharing_group_id":"0"}}]
    r0=e['EventReport'][0]
    e['EventReport']=[r0,
      dict(r0, id="11", uuid="4e4e4e4e-0000-4000-8000-0000000000b1", content="The dropper is "+red_obj_attr['value']+"."),
      dict(r0, id="12", uuid="4e4e4e4e-0000-4000-8000-0000000000b2", content="See @[attribute]("+red_obj_attr['uuid']+")."),
      dict(r0, id="13", uuid="4e4e4e4e-0000-4000-8000-0000000000b3", content="Nothing removed named here.")]
    # attributes from the rich event: a red one with nested proposal, sighting, analyst data; one tagged through AttributeTag
    attrs=copy.deepcopy(rich['Attribute'])
    red=[a for a in attrs if any(t['name']=='tlp:red' for t in a.get('Tag',[]))][0]
    red['Note']=[note("a0a0a0a0-0000-4000-8000-0000000000c1", red['uuid'], "Attribute", {"Opinion":[opinion("a0a0a0a0-0000-4000-8000-0000000000c2","a0a0a0a0-0000-4000-8000-0000000000c1")]})]
    red['Galaxy']=copy.deepcopy(gal)
    linked=copy.deepcopy(attrs[2]); linked['id']="61"; linked['uuid']="6a6a6a6a-0000-4000-8000-0000000000d1"; linked['value']="linked-red.example"; linked.pop('Tag',None)
    linked['AttributeTag']=[{"id":"5","attribute_id":"61","tag_id":"9","local":False,"Tag":tag('tlp:red')}]
    for s in red.get('Sighting',[]): s['Organisation']=dict(orgx); s['source']='sensor-secret'
    e['Attribute']=attrs+[linked]
    green=[a for a in attrs if any(t['name']=='tlp:green' for t in a.get('Tag',[]))][0]
    for s in green.get('Sighting',[]): s['source']='sensor-of-source'
    e['ShadowAttribute']=copy.deepcopy(rich['ShadowAttribute'])+[dict(copy.deepcopy(rich['ShadowAttribute'][0]), id="9", uuid="5a5a5a5a-0000-4000-8000-0000000000e1", old_id=red['id'], email="proposer@org-secret.test")]
    e['Sighting']=[dict(copy.deepcopy(red['Sighting'][0]), id="19", uuid="5b5b5b5b-0000-4000-8000-0000000000f1", attribute_uuid=red['uuid'], attribute_id=red['id'])] if red.get('Sighting') else []
    e['RelatedEvent']=copy.deepcopy(rich['RelatedEvent'])
    e['Galaxy']=copy.deepcopy(gal)
    e['Note']=[note("a0a0a0a0-0000-4000-8000-0000000000c3", e['uuid'], "Event")]
    e["Relationship"]=[relationship("a0a0a0a0-0000-4000-8000-0000000000c4", e["uuid"], green["uuid"])]
    e['CryptographicKey']=[{"id":"1","uuid":"3c3c3c3c-0000-4000-8000-0000000000a9","type":"pgp","timestamp":"1795342542","parent_id":e['id'],"parent_type":"Event","revoked":False,"fingerprint":"ABCDEF0123456789ABCDEF0123456789ABCDEF01","key_data":"-----BEGIN PGP PUBLIC KEY BLOCK-----"}]
    e['extends_uuid']="2d2d2d2d-0000-4000-8000-0000000000aa"
    # move Tag last, as MISP writes it
    t=e.pop('Tag'); e['Tag']=t
    return {"Event":e}
gal=[{"id":"3","uuid":"59f20cce-5420-4084-afd5-0884c0a83832","name":"Ransomware","type":"ransomware","description":"Ransomware galaxy","version":"4","icon":"btc","namespace":"misp","enabled":True,"local_only":False,"kill_chain_order":None,"created":"0000-00-00 00:00:00","modified":"0000-00-00 00:00:00","org_id":"0","orgc_id":"0","default":True,"distribution":"3",
  "GalaxyCluster":[{"id":"77","uuid":"a3a3a3a3-0000-4000-8000-000000000c77","collection_uuid":"10cf658b-5d32-4c4b-bb32-61760a640372","type":"ransomware","value":"SecretLocker","tag_name":"misp-galaxy:ransomware=\"SecretLocker\"","description":"made by the source","source":"ORG_SECRETSRC","authors":["analyst@org-secret.test"],"version":"1","distribution":"1","sharing_group_id":None,"org_id":"7","orgc_id":"7","default":False,"locked":False,"extends_uuid":"","extends_version":"0","published":True,"deleted":False,"galaxy_id":"3","tag_id":"20","local":False,"relationship_type":False,"attribute_tag_id":"5","event_tag_id":"5","Org":orgx,"Orgc":orgx,"meta":{"synonyms":["SL"]}}]}]
write('event-green', event(['tlp:green']))
write('event-chr', event(['tlp:green','tlp:ex:chr']))
write('event-amber', event(['tlp:amber']))
write('event-unknown', event(['tlp:unclear']))
# index rows
idx=load('events_index__orgC.json')
rows=[]
for i,(tags) in enumerate([['tlp:red'],['tlp:green'],[],['tlp:amber+strict'],['TLP:\u0052ed\u200b'],['tlp:green','tlp:ex:chr']]):
    r=copy.deepcopy(idx[0]); r['id']=str(100+i); r['uuid']=f"1d1d1d1d-0000-4000-8000-00000000010{i}"
    r['Orgc']=dict(orgx); r['Org']=dict(orgx)
    r['EventTag']=[{"id":str(200+i),"event_id":r['id'],"tag_id":"9","local":False,"relationship_type":None,"Tag":tag(t)} for t in tags]
    rows.append(r)
norow=copy.deepcopy(idx[0]); norow.pop('EventTag',None); norow['uuid']="1d1d1d1d-0000-4000-8000-0000000001ff"; rows.append(norow)
write('index', rows)
# items on their own
sa=load('shadow_attributes_index_all__orgC.json')
sg=load('sightings_restSearch_event__orgC.json')
write('proposals', sa)
write('sightings', sg)
write('note-view', {"Note": note("a0a0a0a0-0000-4000-8000-0000000000c5", objrep['uuid'], "Event", {"Opinion":[opinion("a0a0a0a0-0000-4000-8000-0000000000c6","a0a0a0a0-0000-4000-8000-0000000000c5")]})})
write('relationship-view', {"Relationship": relationship("a0a0a0a0-0000-4000-8000-0000000000c7", objrep['uuid'], rich['Attribute'][0]['uuid'])})
write('analyst-index', {"Note": {"a0a0a0a0-0000-4000-8000-0000000000c8": "2026-11-22 10:00:00"}, "Opinion": {"a0a0a0a0-0000-4000-8000-0000000000c9": "2026-11-22 10:00:00"}})
a=copy.deepcopy(rich['Attribute'][0]); a['event_uuid']=rich['uuid']
write('attribute-view', {"Attribute": a})
write('object-view', {"Object": dict(copy.deepcopy(objrep['Object'][1]), Event={"id":objrep['id'],"uuid":objrep['uuid'],"info":objrep['info'],"orgc_id":"3"})})
write('report-view', {"EventReport": copy.deepcopy(objrep['EventReport'][0]), "Event": {"id":objrep['id'],"uuid":objrep['uuid'],"info":objrep['info'],"orgc_id":"3","org_id":"3"}, "SharingGroup": {}})

# The same answers where the harness confirms what they concern (a reference holding "cafe"): items
# released on their own, correlations kept, each with its source hidden.
def conf(u): return "cafe"+u[4:]
jobs={
 'proposals':['1bfc1897-b375-497c-9f02-b164e32bc94a'],
 'sightings':['1bfc1897-b375-497c-9f02-b164e32bc94a','93609343-d094-4903-bb82-4fba52a1838f'],
 'event-chr':['4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa','93609343-d094-4903-bb82-4fba52a1838f'],
 'event-green':['4cbd1912-4bb1-4bfe-a9c2-f40cd69eadaa','93609343-d094-4903-bb82-4fba52a1838f'],
}
for name in ['note-view','relationship-view','attribute-view','object-view','report-view']:
    d=json.load(open(f'{out}/seed-kinds-{name}-r0.json'))
    item=list(d.values())[0]
    us=[item.get('object_uuid'),item.get('related_object_uuid'),item.get('event_uuid')]
    if 'Event' in d: us.append(d['Event']['uuid'])
    if isinstance(item.get('Event'),dict): us.append(item['Event']['uuid'])
    jobs[name]=[u for u in us if u]
for name,uuids in jobs.items():
    t=open(f'{out}/seed-kinds-{name}-r0.json').read().rstrip()
    for u in uuids:
        t=t.replace(u,conf(u))
    write_text(name+'-confirmed', t)

# An event with nothing removed (so its correlations may stay), its related events confirmed.
def removing_nothing():
    doc=load('events_view_rich__admin.json')
    for a in doc['Event']['Attribute']:
        a.pop('Tag',None); a['ShadowAttribute']=[]; a.pop('Sighting',None)
    doc['Event']['ShadowAttribute']=[]
    return doc
rich=removing_nothing()
e=rich['Event']
for r in e['RelatedEvent']:
    r['Event']['uuid']='cafe'+r['Event']['uuid'][4:]
    r['Event']['Orgc']={"id":"8","name":"ORG_RELATEDSRC","uuid":"5f5f5f5f-0000-4000-8000-00000000f5f5"}
    r['Event']['Org']=dict(r['Event']['Orgc'])
e['Attribute'][0]['RelatedAttribute']=[{"id":"19","value":e['Attribute'][0]['value'],"org_id":"8","info":"related","event_id":e['RelatedEvent'][0]['Event']['id']}]
e.pop('Tag'); e['Tag']=[{"id":"1","name":"tlp:green","colour":"#339900","exportable":True}]
write_text('correlations-confirmed', json.dumps(rich, indent=4))

# The exports' seeds (ExportTarget): restSearch answers of every TLP, values a CSV or a line-based reader could
# mistake (commas, quotes, CR, LF, CRLF, U+2028, NEL, form feed, a YARA rule), each type with a STIX pattern,
# object, attribute and local tags, an untagged event, and attribute rows with their event's tags inherited.
base=load('events_restSearch_json__orgC.json')['response'][0]['Event']
def attr(i, typ, value, tags=(), comment="", cat="Network activity"):
    a=dict(base['Attribute'][0]); a.update(id=str(i), uuid="e0e0e0e0-0000-4000-8000-%012d"%i, type=typ, value=value, comment=comment, category=cat)
    a['Tag']=[dict(tag(t.rstrip('!')), local=int(t.endswith('!'))) for t in tags]  # a trailing ! marks a local tag
    return a
def ev(n, tags, attrs, objects=(), orgc=None):
    e={k:v for k,v in base.items() if k not in ('Attribute','Object','Tag','RelatedEvent','ShadowAttribute','Galaxy','EventReport','CryptographicKey')}
    e.update(id=str(n), uuid="e0e0e0e0-0000-4000-8000-%012d"%(9000+n), info="export seed %d, with \"quotes\", commas\nand a line break"%n)
    if orgc: e['Orgc']=dict(orgc); e['Org']=dict(orgc)
    e['Attribute']=list(attrs); e['Object']=list(objects); e['ShadowAttribute']=[]; e['RelatedEvent']=[]; e['Galaxy']=[]; e['EventReport']=[]
    if tags is not None: e['Tag']=[tag(t) for t in tags]
    return {"Event":e}
def obj(i, tags, attrs):
    return {"id":str(i),"name":"file","meta-category":"file","description":"File object","template_uuid":"688c46fb-5edb-40a3-8273-1af7923e2215","template_version":"24","event_id":"1","uuid":"e0e0e0e0-0000-4000-8000-%012d"%(5000+i),"timestamp":"1795342340","distribution":"5","sharing_group_id":"0","comment":"","deleted":False,"first_seen":None,"last_seen":None,"ObjectReference":[],"Attribute":list(attrs),"Tag":[tag(t) for t in tags]}
tricky=[attr(1,"domain","evil.example"),attr(2,"url","http://bad.example/a,b\"c'd\\e"),attr(3,"text","line\nbreak"),attr(4,"text","carriage\rreturn"),
        attr(5,"text","crlf\r\nvalue"),attr(6,"domain","sep\u2028arated.example"),attr(7,"domain","nel\u0085.example"),attr(8,"text","form\ffeed"),
        attr(9,"yara","rule x {\n condition: true\n}",cat="Payload installation"),attr(10,"ip-dst","198.51.100.7",comment="a comment, \"quoted\"\r\nover lines"),
        attr(11,"ip-src","2001:db8::1"),attr(12,"sha256","e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",cat="Payload delivery"),
        attr(13,"filename|md5","a,b.exe|d41d8cd98f00b204e9800998ecf8427e",cat="Payload delivery"),attr(14,"domain|ip","pair.example|192.0.2.1"),
        attr(15,"email-src","from@bad.example",cat="Payload delivery"),attr(16,"mutex","Global\\m'x",cat="Artifacts dropped"),attr(17,"domain","red.example",tags=["tlp:red"]),
        attr(18,"domain","amber.example",tags=["tlp:amber"]),attr(19,"domain","local-amber.example",tags=["tlp:amber!"]),attr(20,"domain","evil.example"),
        attr(21,"hostname","12345"),attr(22,"ip-dst","not an address")]
secret={"id":"7","name":"ORG_SECRETSRC","uuid":"5e5e5e5e-0000-4000-8000-00000000e5e5","local":True}
events=[ev(1,["tlp:clear"],tricky,[obj(1,["tlp:green"],[attr(30,"md5","d41d8cd98f00b204e9800998ecf8427e",cat="Payload delivery"),attr(31,"filename","dropper,\"x\".exe",cat="Payload delivery")]),
                                   obj(2,["tlp:amber"],[attr(32,"sha1","da39a3ee5e6b4b0d3255bfef95601890afd80709",cat="Payload delivery")])]),
        ev(2,["tlp:green","tlp:ex:chr"],[attr(40,"domain","chr.example"),attr(41,"url","http://chr.example/\u2029x")],orgc=secret),
        ev(3,["tlp:green"],[attr(50,"domain","green.example"),attr(51,"ip-dst","203.0.113.9",tags=["tlp:red"])],orgc=secret),
        ev(4,["tlp:amber"],[attr(60,"domain","amber-event.example")]),
        ev(5,None,[attr(70,"domain","untagged.example")],orgc=secret),
        ev(6,["tlp:amber+strict"],[attr(80,"domain","strict.example")]),
        ev(7,["tlp:red"],[attr(90,"domain","red-event.example")],orgc=secret)]
write("exports-events", {"response":events})
rows=json.load(open('testdata/fuzz/filter/shape-attributes_restSearch_includeEventTags__orgC.json'))
extra=[dict(rows['response']['Attribute'][-1]) for _ in range(3)]
for i,(v,t) in enumerate([("row,with\"quote","tlp:clear"),("row\nwith a break","tlp:clear"),("row.example","tlp:green")]):
    extra[i].update(uuid="e0e0e0e0-0000-4000-8000-%012d"%(7000+i), value=v, type="domain", Tag=[dict(tag(t), inherited=1)])
    extra[i]['Event']=dict(extra[i]['Event'], Orgc=secret if i==2 else {"id":"3","name":"ORG_C","uuid":"5c7e4b3c-0a1b-4c2d-8e3f-123456789abc"})
rows['response']['Attribute']+=extra
write("exports-rows", rows)

# The exports' request (ExportParameters.cs): the whitespace after the document, a tab a 0 bit, a CR a 1. Bits: the form of
# requested_attributes (2: none, list, "||"-joined, list in the request wrapper), the spelling of headerless, includeContext,
# includeDecayScore, excludeDecayed (3 each, SPELLINGS), the number of columns (4), each column's index in NAMES (6; 54-63:
# the input's first attribute's own keys). Both lists are ExportParameters' own, in its order.
SPELLINGS=[None,"1","true",'"1"','"false"',"0",'" 0 "',"null"]
NAMES=["uuid","event_id","category","type","value","comment","to_ids","timestamp","object_relation","attribute_tag","object_uuid","object_name","object_meta-category",
  "event_info","event_member_org","event_source_org","event_distribution","event_threat_level_id","event_analysis","event_date","event_tag","event_timestamp",
  "decay_score_score","decay_score_decayed",
  "id","object_id","distribution","sharing_group_id","deleted","disable_correlation","first_seen","last_seen","event_uuid","date",
  "Event","Object","Tag","AttributeTag","Orgc","Org","orgc","org_name","orgc_uuid","org_id","event_creator_email","object_meta_category",
  " value","value ","Value","1",
  "uuid,value","va\"lue","value\n",""]
def asked(form=0, headerless=None, context=None, decay=None, exclude=None, columns=()):
    def bits(v, n): return [(v>>(n-1-i))&1 for i in range(n)]
    b=bits(form,2)
    for flag in (headerless, context, decay, exclude): b+=bits(SPELLINGS.index(flag),3)
    b+=bits(len(columns),4)
    for c in columns: b+=bits(c if isinstance(c,int) else NAMES.index(c),6)
    return "".join("\r" if x else "\t" for x in b)
requests={
  # columns that name the source's fields, the writer's mapped ones and the event's context, as a list
  "sources":asked(1, columns=["value","event_source_org","event_member_org","Orgc","org_name","orgc_uuid","event_creator_email","event_info","event_tag","uuid"]),
  # names joined by ||, header renamed (timestamp: date, - to _), object columns, keys of the input's own attribute
  "joined":asked(2, columns=["timestamp","object_meta-category","object_uuid","attribute_tag","id","distribution",54,55,57,60]),
  # headerless as "1", includeContext as true, in the request wrapper
  "headerless-context":asked(3, headerless='"1"', context="true", columns=["value","event_threat_level_id","event_date"]),
  # the default columns, headerless written "false" (a non-empty string: true), includeContext " 0 " (trimmed: false)
  "flags":asked(0, headerless='"false"', context='" 0 "', decay="0", exclude="null"),
  # includeDecayScore (rows: the decay columns before the object ones; events: none) with the context
  "decay":asked(0, context="1", decay="1"),
  # excludeDecayed alone: MISP sets includeDecayScore for it
  "exclude-decayed":asked(0, exclude="true"),
  # the decay fields asked by name
  "decay-columns":asked(1, columns=["value","decay_score_score","decay_score_decayed"]),
  # refused: a name holding a comma; a name empty; no column at all
  "refused-comma":asked(1, columns=["value","uuid,value"]),
  "refused-empty":asked(2, columns=["value",""]),
  "refused-none":asked(1),
}
decayed=copy.deepcopy(rows)
for i,a in enumerate(decayed['response']['Attribute']):
    a['decay_score']=[{"DecayingModel":{"id":"1","name":"NIDS Simple Decaying Model"},"score":[1.2e-05,73.48,0.0001,1e15][i%4],"base_score":80,"decayed":False},
                      {"DecayingModel":{"id":"2","name":"Phishing model"},"score":[0,12.5,33.333333333333336,2][i%4],"base_score":60,"decayed":i%2==1}][:1+i%2]
for name,trailer in requests.items():
    write("exports-events-asks-"+name, {"response":events}, trailer)
    write("exports-rows-asks-"+name, decayed if "decay" in name else rows, trailer)

# Sources with short names (CERTs are named BSI, NCSC, CERT): the oracle checks them as whole string values, so a
# comment that holds one ("BSI advisory") is free text and passes, where the name itself must not.
rich=load('events_view_rich__admin.json')['Event']
def short(orgc, org, sighter, proposer, clusterer):
    e=event(['tlp:green','tlp:ex:chr'])['Event']
    e['Orgc']=dict(orgx, name=orgc); e['Org']=dict(orgx, name=org, uuid="5e5e5e5e-0000-4000-8000-00000000e5e6")
    for a in e['Attribute']:
        a['comment']=orgc+" advisory, shared by "+org
        for s in a.get('Sighting',[]): s['Organisation']=dict(orgx, name=sighter, uuid="5e5e5e5e-0000-4000-8000-00000000e5e7"); s['source']="IDS"
    for p in e['ShadowAttribute']: p['Org']=dict(orgx, name=proposer, uuid="5e5e5e5e-0000-4000-8000-00000000e5e8"); p['email']="a@"+proposer
    for g in e['Galaxy']:
        for c in g['GalaxyCluster']: c['Orgc']=dict(orgx, name=clusterer, uuid="5e5e5e5e-0000-4000-8000-00000000e5e9"); c['Org']=dict(c['Orgc'])
    return {"Event":e}
write('short-names-event', short("BSI","CERT","NCSC","GOV","MIL"))
write('short-names-digits', short("C-1","4-2","_","$$","#9"))
rows=[]
for i,tags in enumerate([['tlp:green','tlp:ex:chr'],['tlp:red'],['tlp:clear']]):
    r=copy.deepcopy(idx[0]); r['id']=str(300+i); r['uuid']="1d1d1d1d-0000-4000-8000-00000000030%d"%i; r['info']="Reported by BSI"
    r['Orgc']=dict(orgx, name=["BSI","NCSC","CERT"][i]); r['Org']=dict(r['Orgc'])
    r['EventTag']=[{"id":str(400+i),"event_id":r['id'],"tag_id":"9","local":False,"relationship_type":None,"Tag":tag(t)} for t in tags]
    rows.append(r)
write('short-names-index', rows)

# Galaxies as MISP 2.5.1 writes them (Event::__attachGalaxies: a galaxy for the clusters attached; attachClustersToEventIndex:
# clusters in an index row, outside any galaxy, each holding its own galaxy): one losing every cluster (it goes with them),
# one losing some, one listing none, one on an attribute losing its only cluster.
def galaxy(n, clusters):
    g=copy.deepcopy(gal[0]); g.pop('GalaxyCluster'); g.update(id=str(n), uuid="9a9a9a9a-0000-4000-8000-%012d"%n, name="Galaxy %d"%n)
    if clusters is not None: g['GalaxyCluster']=clusters
    return g
def cluster(n, tags, galaxy_of=None):
    c=copy.deepcopy(gal[0]['GalaxyCluster'][0]); c.update(id=str(n), uuid="9c9c9c9c-0000-4000-8000-%012d"%n, value="Cluster %d"%n, tag_name='misp-galaxy:ransomware="Cluster %d"'%n)
    c['Tag']=[tag(t) for t in tags]
    if galaxy_of is not None: c['Galaxy']=galaxy(galaxy_of, None)
    return c
ge=copy.deepcopy(objrep)
ge['Galaxy']=[galaxy(1,[cluster(11,['tlp:red']),cluster(12,['tlp:amber+strict'])]),galaxy(2,[cluster(21,['tlp:clear']),cluster(22,['tlp:amber'])]),galaxy(3,[]),galaxy(4,None)]
ge['Attribute'][0]['Galaxy']=[galaxy(5,[cluster(51,['tlp:red'])])]
t=ge.pop('Tag',None); ge['Tag']=[tag('tlp:clear')]
write('galaxies-event', {"Event":ge})
rows=[]
for i,(tags,clusters) in enumerate([(['tlp:clear'],[cluster(61,['tlp:red'],6),cluster(62,[],6)]),(['tlp:green'],[cluster(71,['tlp:amber'],7)])]):
    r=copy.deepcopy(idx[0]); r['id']=str(500+i); r['uuid']="1d1d1d1d-0000-4000-8000-00000000050%d"%i
    r['EventTag']=[{"id":str(600+i),"event_id":r['id'],"tag_id":"9","local":False,"relationship_type":None,"Tag":tag(t)} for t in tags]
    r['GalaxyCluster']=clusters
    rows.append(r)
write('galaxies-index', rows)

# The mark the harness confirms by ("cafe") written where no look-up reference stands: in a comment, a value, a source,
# an info, a correlation's info. Nothing is confirmed: every item is withheld, every correlation removed.
sg2=copy.deepcopy(sg)
for r in sg2['response']: r['Sighting']['source']='cafe-sensor'; r['Sighting']['value']='cafe.example'
write('cafe-text-sightings', sg2)
sa2=copy.deepcopy(sa)
for r in sa2: r['ShadowAttribute']['comment']='seen at the cafe'
write('cafe-text-proposals', sa2)
a=copy.deepcopy(rich['Attribute'][0]); a['event_uuid']=rich['uuid']; a['comment']='cafe'; a['value']='cafe.example'
write('cafe-text-attribute-view', {"Attribute": a})
write('cafe-text-note-view', {"Note": note("a0a0a0a0-0000-4000-8000-0000000000d5", objrep['uuid'], "Event", {"note":"cafe"})})
write('cafe-text-analyst-index', {"Note": {"a0a0a0a0-0000-4000-8000-0000000000d8": "2026-11-22 10:00:00", "cafe0000-0000-4000-8000-0000000000d9": "cafe"}})
rc=removing_nothing()
e=rc['Event']
for r in e['RelatedEvent']:
    r['Event']['info']='cafe '+r['Event']['info']; r['Event']['Orgc']['name']='cafe'
e.pop('Tag'); e['Tag']=[{"id":"1","name":"tlp:green","colour":"#339900","exportable":True}]
write('cafe-text-correlations', rc)
# Attribute rows carrying none of their event's tags, judged through their event (looked up): confirmed where the event
# they name (Event.uuid) holds the mark, one of them with its own tlp:red; the same rows with the mark in a comment only.
rows=json.load(open('testdata/fuzz/filter/shape-attributes_restSearch_includeEventTags__orgC.json'))
rows['response']['Attribute']=rows['response']['Attribute'][:3]
for r in rows['response']['Attribute']:
    r.pop('Tag'); r['comment']='cafe'
write('rows-cafe-text', rows)
for i,r in enumerate(rows['response']['Attribute']):
    r['Event']['uuid']='cafe'+r['Event']['uuid'][4:]; r['comment']=''
    if i==2: r['Tag']=[tag('tlp:red')]
write('rows-confirmed', rows)
# The same kinds with every organisation named in two to four characters, as CERTs are: items confirmed on their own,
# correlations kept, index rows, an event under CHR.
SHORT={'ORG_SECRETSRC':'BSI','ORG_RELATEDSRC':'NCSC','ORG_A':'A1','ORG_B':'B2','ORG_C':'C3','ORG_D':'D4','ORG_E':'E5'}
for name in ['sightings-confirmed','proposals-confirmed','correlations-confirmed','note-view-confirmed','report-view-confirmed','index','event-chr']:
    t=open(f'{out}/seed-kinds-{name}-r0.json').read().rstrip()
    for k,v in SHORT.items(): t=t.replace(k,v)
    write_text('short-names-of-'+name, t)
# Relationships naming what the filter removes (a TLP:RED attribute, an object that lost every attribute, a report quoting
# a removed value, another event), at the event's level, before the parts and nested; analyst data's authors under CHR.
e=event(['tlp:green'])['Event']
red=[a for a in e['Attribute'] if any(t['name']=='tlp:red' for t in a.get('Tag',[]))][0]
kept=[a for a in e['Attribute'] if not any(t['name'] in ('tlp:red','tlp:amber') for t in a.get('Tag',[]))][0]
rels=[dict(relationship("a0a0a0a0-0000-4000-8000-0000000000e%d"%i, e['uuid'], u), related_object_type=t) for i,(u,t) in enumerate(
    [(red['uuid'],'Attribute'),(e['Object'][0]['uuid'],'Object'),(e['EventReport'][1]['uuid'],'EventReport'),("e9e9e9e9-0000-4000-8000-000000000009",'Event'),(kept['uuid'],'Attribute')])]
e2={"Relationship": rels[:2]}; e2.update(e); e2['Relationship']=rels
kept['Relationship']=[dict(relationship("a0a0a0a0-0000-4000-8000-0000000000ea", kept['uuid'], red['uuid']), object_type="Attribute", authors="Person Nested")]
write('relationships-to-removed', {"Event": e2})
e=event(['tlp:amber','tlp:ex:chr'])['Event']
e['Note']=[note("a0a0a0a0-0000-4000-8000-0000000000eb", e['uuid'], "Event", {"authors":"person.one@org-secret.test"})]
e['Attribute'][0]['Opinion']=[dict(opinion("a0a0a0a0-0000-4000-8000-0000000000ec", e['Attribute'][0]['uuid']), object_type="Attribute", authors="person.two@org-secret.test")]
write('authors-chr', {"Event": e})
# Items beside an event stub that carries tags (an attribute's, a proposal's view), red and green.
stub=lambda t: {"id":objrep['id'],"uuid":objrep['uuid'],"info":objrep['info'],"orgc_id":"7","Orgc":orgx,"Tag":[tag(t)]}
a=copy.deepcopy(rich['Attribute'][0]); a['event_uuid']=rich['uuid']
p=copy.deepcopy(sa[0]['ShadowAttribute']); p['email']="proposer@org-secret.test"
for t in ['tlp:red','tlp:green']:
    write('attribute-beside-stub-'+t[4:], {"Attribute": a, "Event": stub(t)})
    write('proposal-beside-stub-'+t[4:], {"ShadowAttribute": p, "Event": stub(t)})
# Galaxy clusters on their own (/galaxy_clusters/view, restSearch): an organisation's untagged, a default one tagged tlp:red,
# a restSearch list of an organisation's tagged tlp:clear (its source shown to a member) and one untagged (amber, CHR).
own=dict(copy.deepcopy(gal[0]['GalaxyCluster'][0]), Galaxy={k:v for k,v in gal[0].items() if k!='GalaxyCluster'}, GalaxyClusterRelation=[], TargetingClusterRelation=[], tag_count="3")
write('cluster-view', {"GalaxyCluster": own})
write('cluster-default-red', {"GalaxyCluster": dict(own, default=True, Tag=[tag('tlp:red')])})
write('clusters-clear', {"response": [{"GalaxyCluster": dict(own, Tag=[tag('tlp:clear')])}, {"GalaxyCluster": dict(own, uuid="a3a3a3a3-0000-4000-8000-000000000c78")}]})
