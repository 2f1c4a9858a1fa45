// The simulator as ORCA's published API describes it: paths, methods, class and format, Basic auth,
// the recorded answers served as they are, variants that ORCA's own records describe, determinism.
import { afterEach, describe, expect, it } from 'vitest';
import { parseXml2, toXml2 } from '../answers/xml2.js';
import { PASSWORD, simulator, USER } from '../testing/support.js';
import { recordedJson, recordedText } from './recorded.js';
import type { OrcaSimulator } from './server.js';

let sim: OrcaSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const auth = { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };

async function call(path: string, body?: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${sim!.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...headers, ...(typeof body === 'string' ? { 'Content-Type': 'application/xml' } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** An answer without the time it was made. */
function undated(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json), (k, v) =>
    k === 'Information_Date' || k === 'Information_Time' ? undefined : v,
  );
}

describe('the recorded answers, served as they are', () => {
  it('patientgetv2 for 00001 (also asked as 1), diseasegetv2 for 00001: the recorded bytes', async () => {
    sim = await simulator();
    expect((await call('/api01rv2/patientgetv2?id=00001&format=json')).text).toBe(
      recordedText('api01rv2_patientgetv2'),
    );
    expect((await call('/api01rv2/patientgetv2?id=1&format=json')).text).toBe(
      recordedText('api01rv2_patientgetv2'),
    );
    const disease = await call('/api01rv2/diseasegetv2?class=01&format=json', {
      disease_inforeq: { Patient_ID: '00001' },
    });
    expect(disease.text).toBe(recordedText('api01rv2_diseasegetv2'));
  });

  it('an unknown patient: the recorded Api_Result 10 answer, for the number asked', async () => {
    sim = await simulator();
    const res = await call('/api01rv2/diseasegetv2?class=01&format=json', {
      disease_inforeq: { Patient_ID: '9999' },
    });
    expect(undated(JSON.parse(res.text))).toEqual(undated(recordedJson('api01rv2_diseasegetv2_10')));
  });

  it('patientlst1v2 over the recorded span: the recorded answer (order, padding to 1000, count)', async () => {
    sim = await simulator({ patients: 0 });
    const res = await call('/api01rv2/patientlst1v2?class=01&format=json', {
      patientlst1req: { Base_StartDate: '2012-06-01', Base_EndDate: '2012-06-30' },
    });
    expect(undated(JSON.parse(res.text))).toEqual(undated(recordedJson('api01rv2_patientlst1v2')));
  });

  it('the forms of 伝票番号 0000861, the 受付一覧 of 2017-08-09, and 0105 for an unknown 伝票番号', async () => {
    sim = await simulator();
    const form = (api: string, invoice: string) =>
      call(`/api01rv2/${api}?format=json`, {
        [api === 'prescriptionv2' ? 'prescriptionv2req' : 'medicine_notebookv2req']: {
          Request_Number: '01',
          Patient_ID: '00216',
          Invoice_Number: invoice,
          Outside_Class: 'True',
        },
      });
    expect((await form('prescriptionv2', '861')).text).toBe(recordedText('api01rv2_prescriptionv2'));
    expect((await form('medicinenotebookv2', '0000861')).text).toBe(
      recordedText('api01rv2_medicinenotebookv2'),
    );
    expect(undated(JSON.parse((await form('prescriptionv2', '999')).text))).toEqual(
      undated(recordedJson('api01rv2_prescriptionv2_0105')),
    );
    const accepted = await call('/api01rv2/acceptlstv2?class=03&format=json', {
      acceptlstreq: { Acceptance_Date: '2017-08-09' },
    });
    expect(accepted.text).toBe(recordedText('api01rv2_acceptlstv2_03'));
  });
});

describe('HTTP as ORCA answers it', () => {
  it('401 with a Basic challenge without the right credentials; 404 for another path; 405 for another method', async () => {
    sim = await simulator();
    const denied = await call('/api01rv2/patientgetv2?id=1', undefined, {});
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Basic realm="ORCA"');
    expect(
      (await call('/api01rv2/patientgetv2?id=1', undefined, { Authorization: 'Basic eDp5' })).status,
    ).toBe(401);
    expect((await call('/api01rv2/nosuchv2', {})).status).toBe(404);
    const post = await call('/api01rv2/patientgetv2?id=1', {});
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('xml2 without format=json, for an xml2 request body; JSON-only forms stay JSON', async () => {
    sim = await simulator();
    const body = toXml2('data', { disease_inforeq: { Patient_ID: '00001', Base_Date: '' } });
    const res = await call('/api01rv2/diseasegetv2?class=01', body);
    expect(res.headers.get('content-type')).toContain('application/xml');
    expect(res.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<xmlio2>\n {2}<disease_infores type="record">/,
    );
    const parsed = parseXml2(res.text, 'test') as { disease_infores: { Disease_Information: unknown[] } };
    // xml2 lists only real children: the 193 padding records are not written.
    expect(parsed.disease_infores.Disease_Information).toHaveLength(7);
  });

  it('Api_Result errors as the published tables give them', async () => {
    sim = await simulator();
    const visits = (fields: Record<string, string>) =>
      call('/api01rv2/medicalgetv2?class=01&format=json', { medicalgetreq: fields }).then(
        (r) => JSON.parse(r.text).medicalget01res,
      );
    expect((await visits({})).Api_Result).toBe('01');
    expect((await visits({ Patient_ID: '99999' })).Api_Result).toBe('10');
    expect((await visits({ Patient_ID: '00001', For_Months: '13' })).Api_Result).toBe('16');
    expect(
      (await visits({ Patient_ID: '00001', Perform_Date: '2017-06-01', For_Months: '1' })).Api_Result,
    ).toBe('15');
    const detail = await call('/api01rv2/medicalgetv2?class=02&format=json', {
      medicalgetreq: { Patient_ID: '00216' },
    });
    expect(JSON.parse(detail.text).medicalget02res.Api_Result).toBe('02');
    const broken = await call('/api01rv2/medicalgetv2?class=01&format=json', '{"medicalgetreq":');
    expect(JSON.parse(broken.text).medicalget01res.Api_Result).toBe('98');
  });

  it("medicalgetv2: the visits of the months asked, newest first, padded to 150; a visit's 剤", async () => {
    sim = await simulator();
    const res = await call('/api01rv2/medicalgetv2?class=01&format=json', {
      medicalgetreq: { Patient_ID: '00216', Perform_Date: '2017-10-30', For_Months: '01' },
    });
    const list = JSON.parse(res.text).medicalget01res;
    expect(list.Medical_List_Information).toHaveLength(150);
    expect(list.Medical_List_Information[0]).toMatchObject({
      Perform_Date: '2017-10-30',
      Department_Code: '01',
      Invoice_Number: '0000861',
    });
    const detail = await call('/api01rv2/medicalgetv2?class=02&format=json', {
      medicalgetreq: {
        Patient_ID: '00216',
        Perform_Date: '2017-10-30',
        Medical_Information: { Department_Code: '01' },
      },
    });
    const blocks = JSON.parse(detail.text).medicalget02res.Medical_List_Information[0].Medical_Information;
    expect(
      blocks
        .filter((b: object) => Object.keys(b).length)
        .map((b: { Medical_Class: string }) => b.Medical_Class),
    ).toEqual(['120', '210', '250']);
  });
});

describe('the generated clinic', () => {
  it('is the same for the same seed, another for another seed', async () => {
    const list = async (seed: number) => {
      sim = await simulator({ seed, recorded: false });
      const res = await call('/api01rv2/patientlst1v2?class=01&format=json', {
        patientlst1req: { Base_StartDate: '2000-01-01' },
      });
      const patient = await call('/api01rv2/patientgetv2?id=01001&format=json');
      await sim.close();
      sim = undefined;
      return [undated(JSON.parse(res.text)), undated(JSON.parse(patient.text))];
    };
    expect(await list(5)).toEqual(await list(5));
    expect(await list(5)).not.toEqual(await list(6));
  });

  it('test patients only when asked for (Contain_TestPatient_Flag)', async () => {
    sim = await simulator({ patients: 2, testPatients: 1, recorded: false });
    const ids = async (flag: string) =>
      JSON.parse(
        (
          await call('/api01rv2/patientlst1v2?class=01&format=json', {
            patientlst1req: { Base_StartDate: '2000-01-01', Contain_TestPatient_Flag: flag },
          })
        ).text,
      )
        .patientlst1res.Patient_Information.filter((p: { Patient_ID?: string }) => p.Patient_ID)
        .map((p: { Patient_ID: string }) => p.Patient_ID);
    expect(await ids('0')).toHaveLength(2);
    expect(await ids('1')).toHaveLength(3);
  });
});
