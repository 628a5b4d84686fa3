# Writes the fuzz corpus seeds seed-kinds-* (each item kind the oracle judges, in MISP 2.5.1 shapes,
# one file per requester: FilterTarget picks the requester by length % 3) into the folder given.
# Usage: python3 tests/TlpGateway.Fuzz/make-seeds.py testdata/fuzz/filter   (from the repository root)
import json, copy, sys
S='testdata/misp-samples/real-2.5.1/'
out=sys.argv[1]
def load(n): return json.load(open(S+n))
def tag(n): return {"id":"99","name":n,"colour":"#CC0033","exportable":True,"user_id":"0","hide_tag":False,"numerical_value":None,"is_galaxy":False,"is_custom_galaxy":False,"local_only":False,"local":0,"relationship_type":None}
def write(name, doc):
    text=json.dumps(doc, indent=4, ensure_ascii=True)
    for r in range(3):
        t=text+"\n"
        while len(t.encode())%3!=r: t+=" "
        open(f"{out}/seed-kinds-{name}-r{r}.json","w").write(t)
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
    for r in range(3):
        x=t+"\n"
        while len(x.encode())%3!=r: x+=" "
        open(f'{out}/seed-kinds-{name}-confirmed-r{r}.json','w').write(x)

# An event with nothing removed (so its correlations may stay), its related events confirmed.
rich=load('events_view_rich__admin.json')
e=rich['Event']
for a in e['Attribute']:
    a.pop('Tag',None); a['ShadowAttribute']=[]; a.pop('Sighting',None)
e['ShadowAttribute']=[]
for r in e['RelatedEvent']:
    r['Event']['uuid']='cafe'+r['Event']['uuid'][4:]
    r['Event']['Orgc']={"id":"8","name":"ORG_RELATEDSRC","uuid":"5f5f5f5f-0000-4000-8000-00000000f5f5"}
    r['Event']['Org']=dict(r['Event']['Orgc'])
e['Attribute'][0]['RelatedAttribute']=[{"id":"19","value":e['Attribute'][0]['value'],"org_id":"8","info":"related","event_id":e['RelatedEvent'][0]['Event']['id']}]
e.pop('Tag'); e['Tag']=[{"id":"1","name":"tlp:green","colour":"#339900","exportable":True}]
t=json.dumps(rich, indent=4)
for r in range(3):
    x=t+"\n"
    while len(x.encode())%3!=r: x+=" "
    open(f'{out}/seed-kinds-correlations-confirmed-r{r}.json','w').write(x)
