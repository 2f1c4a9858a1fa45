import { el } from './xml.js';

type Service = 'pix' | 'pdq';
const OPS: Record<Service, Array<[operation: string, input: string, output: string]>> = {
  pix: [
    ['PIXManager_PRPA_IN201301UV02', 'PRPA_IN201301UV02', 'MCCI_IN000002UV01'],
    ['PIXManager_PRPA_IN201302UV02', 'PRPA_IN201302UV02', 'MCCI_IN000002UV01'],
    ['PIXManager_PRPA_IN201304UV02', 'PRPA_IN201304UV02', 'MCCI_IN000002UV01'],
    ['PIXManager_PRPA_IN201309UV02', 'PRPA_IN201309UV02', 'PRPA_IN201310UV02'],
  ],
  pdq: [
    ['PDSupplier_PRPA_IN201305UV02', 'PRPA_IN201305UV02', 'PRPA_IN201306UV02'],
    ['PDSupplier_QUQI_IN000003UV01_Continue', 'QUQI_IN000003UV01_Continue', 'PRPA_IN201306UV02'],
    ['PDSupplier_QUQI_IN000003UV01_Cancel', 'QUQI_IN000003UV01_Cancel', 'MCCI_IN000002UV01'],
  ],
};
const NAMES: Record<Service, { ns: string; name: string }> = {
  pix: { ns: 'urn:ihe:iti:pixv3:2007', name: 'PIXManager' },
  pdq: { ns: 'urn:ihe:iti:pdqv3:2007', name: 'PDSupplier' },
};

/**
 * The WSDL 1.1 of a hub endpoint (`/ihe/pix?wsdl`, `/ihe/pdq?wsdl`): the IHE operations and
 * `wsa:Action`s of ITI-44/45 and ITI-47 (namespaces as IHE's published WSDLs), SOAP 1.2 document/literal, at
 * the address it was asked from. The message schemas are HL7's (PRPA_IN2013…UV02.xsd), not repeated.
 */
export function wsdlOf(service: Service, address: string): string {
  const { ns, name } = NAMES[service];
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
      name,
      targetNamespace: ns,
    },
    ...messages.map((m) =>
      el('message', { name: `${m}_Message` }, el('part', { name: 'Body', element: `hl7:${m}` })),
    ),
    el(
      'portType',
      { name: `${name}_PortType` },
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
      { name: `${name}_Binding_Soap12`, type: `ihe:${name}_PortType` },
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
      { name: `${name}_Service` },
      el(
        'port',
        { name: `${name}_Port_Soap12`, binding: `ihe:${name}_Binding_Soap12` },
        el('soap12:address', { location: address }),
      ),
    ),
  )}`;
}
