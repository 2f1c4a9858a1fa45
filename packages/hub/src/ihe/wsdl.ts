import { el } from './xml.js';

const OPS: Record<'pix', Array<[operation: string, input: string, output: string]>> = {
  pix: [
    ['PIXManager_PRPA_IN201301UV02', 'PRPA_IN201301UV02', 'MCCI_IN000002UV01'],
    ['PIXManager_PRPA_IN201302UV02', 'PRPA_IN201302UV02', 'MCCI_IN000002UV01'],
    ['PIXManager_PRPA_IN201304UV02', 'PRPA_IN201304UV02', 'MCCI_IN000002UV01'],
    ['PIXManager_PRPA_IN201309UV02', 'PRPA_IN201309UV02', 'PRPA_IN201310UV02'],
  ],
};

/**
 * The WSDL 1.1 of a hub endpoint (`/ihe/pix?wsdl`): the IHE operations and `wsa:Action`s of ITI-44 and
 * ITI-45 (namespace `urn:ihe:iti:pixv3:2007`, as IHE's published WSDL), SOAP 1.2 document/literal, at
 * the address it was asked from. The message schemas are HL7's (PRPA_IN2013…UV02.xsd), not repeated.
 */
export function wsdlOf(service: 'pix', address: string): string {
  const ns = 'urn:ihe:iti:pixv3:2007';
  const ops = OPS[service];
  const messages = [...new Set(ops.flatMap(([, input, output]) => [input, output]))];
  return `<?xml version="1.0" encoding="UTF-8"?>${el(
    'definitions',
    {
      xmlns: 'http://schemas.xmlsoap.org/wsdl/',
      'xmlns:soap12': 'http://schemas.xmlsoap.org/wsdl/soap12/',
      'xmlns:wsaw': 'http://www.w3.org/2006/05/addressing/wsdl',
      'xmlns:hl7': 'urn:hl7-org:v3',
      'xmlns:ihe': ns,
      name: 'PIXManager',
      targetNamespace: ns,
    },
    ...messages.map((m) =>
      el('message', { name: `${m}_Message` }, el('part', { name: 'Body', element: `hl7:${m}` })),
    ),
    el(
      'portType',
      { name: 'PIXManager_PortType' },
      ...ops.map(([op, input, output]) =>
        el(
          'operation',
          { name: op },
          el('input', { message: `ihe:${input}_Message`, 'wsaw:Action': `urn:hl7-org:v3:${input}` }),
          el('output', { message: `ihe:${output}_Message`, 'wsaw:Action': `urn:hl7-org:v3:${output}` }),
        ),
      ),
    ),
    el(
      'binding',
      { name: 'PIXManager_Binding_Soap12', type: 'ihe:PIXManager_PortType' },
      el('soap12:binding', { style: 'document', transport: 'http://schemas.xmlsoap.org/soap/http' }),
      ...ops.map(([op, input]) =>
        el(
          'operation',
          { name: op },
          el('soap12:operation', { soapAction: `urn:hl7-org:v3:${input}` }),
          el('input', {}, el('soap12:body', { use: 'literal' })),
          el('output', {}, el('soap12:body', { use: 'literal' })),
        ),
      ),
    ),
    el(
      'service',
      { name: 'PIXManager_Service' },
      el(
        'port',
        { name: 'PIXManager_Port_Soap12', binding: 'ihe:PIXManager_Binding_Soap12' },
        el('soap12:address', { location: address }),
      ),
    ),
  )}`;
}
