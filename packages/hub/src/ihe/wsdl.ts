import { el } from './xml.js';

export type Service = 'pix' | 'pdq' | 'hpd';

/** [operation, input action, output action, input element, output element] (elements as hl7:… or dsml:…). */
type Op = [string, string, string, string, string];
const V3 = (operation: string, input: string, output: string, inputElement = input): Op => [
  operation,
  `urn:hl7-org:v3:${input}`,
  `urn:hl7-org:v3:${output}`,
  `hl7:${inputElement}`,
  `hl7:${output}`,
];

const SERVICES: Record<Service, { ns: string; name: string; ops: Op[] }> = {
  pix: {
    ns: 'urn:ihe:iti:pixv3:2007',
    name: 'PIXManager',
    ops: [
      V3('PIXManager_PRPA_IN201301UV02', 'PRPA_IN201301UV02', 'MCCI_IN000002UV01'),
      V3('PIXManager_PRPA_IN201302UV02', 'PRPA_IN201302UV02', 'MCCI_IN000002UV01'),
      V3('PIXManager_PRPA_IN201304UV02', 'PRPA_IN201304UV02', 'MCCI_IN000002UV01'),
      V3('PIXManager_PRPA_IN201309UV02', 'PRPA_IN201309UV02', 'PRPA_IN201310UV02'),
    ],
  },
  pdq: {
    ns: 'urn:ihe:iti:pdqv3:2007',
    name: 'PDSupplier',
    ops: [
      V3('PDSupplier_PRPA_IN201305UV02', 'PRPA_IN201305UV02', 'PRPA_IN201306UV02'),
      V3(
        'PDSupplier_QUQI_IN000003UV01_Continue',
        'QUQI_IN000003UV01_Continue',
        'PRPA_IN201306UV02',
        'QUQI_IN000003UV01',
      ),
      V3(
        'PDSupplier_QUQI_IN000003UV01_Cancel',
        'QUQI_IN000003UV01_Cancel',
        'MCCI_IN000002UV01',
        'QUQI_IN000003UV01_Cancel',
      ),
    ],
  },
  hpd: {
    ns: 'urn:ihe:iti:hpd:2010',
    name: 'ProviderInformationDirectory',
    ops: [
      [
        'ProviderInformationQueryRequest',
        'urn:ihe:iti:2010:ProviderInformationQuery',
        'urn:ihe:iti:2010:ProviderInformationQueryResponse',
        'dsml:batchRequest',
        'dsml:batchResponse',
      ],
    ],
  },
};

const messageName = (element: string) => `${element.replace(':', '_')}_Message`;

/**
 * The WSDL 1.1 of a hub endpoint (`/ihe/pix?wsdl`, `/ihe/pdq?wsdl`, `/ihe/hpd?wsdl`): the IHE operations
 * and their `wsa:Action`s (namespaces as IHE's published WSDLs), SOAP 1.2 document/literal, at the
 * address it was asked from. The message schemas (HL7's PRPA_IN…UV02.xsd, OASIS DSMLv2) are not repeated.
 */
export function wsdlOf(service: Service, address: string): string {
  const { ns, name, ops } = SERVICES[service];
  const elements = [...new Set(ops.flatMap(([, , , input, output]) => [input, output]))];
  return `<?xml version="1.0" encoding="UTF-8"?>${el(
    'definitions',
    {
      xmlns: 'http://schemas.xmlsoap.org/wsdl/',
      'xmlns:soap12': 'http://schemas.xmlsoap.org/wsdl/soap12/',
      'xmlns:wsaw': 'http://www.w3.org/2006/05/addressing/wsdl',
      'xmlns:hl7': 'urn:hl7-org:v3',
      'xmlns:dsml': 'urn:oasis:names:tc:DSML:2:0:core',
      'xmlns:ihe': ns,
      name,
      targetNamespace: ns,
    },
    ...elements.map((element) =>
      el('message', { name: messageName(element) }, el('part', { name: 'Body', element })),
    ),
    el(
      'portType',
      { name: `${name}_PortType` },
      ...ops.map(([op, inputAction, outputAction, input, output]) =>
        el(
          'operation',
          { name: op },
          el('input', { message: `ihe:${messageName(input)}`, 'wsaw:Action': inputAction }),
          el('output', { message: `ihe:${messageName(output)}`, 'wsaw:Action': outputAction }),
        ),
      ),
    ),
    el(
      'binding',
      { name: `${name}_Binding_Soap12`, type: `ihe:${name}_PortType` },
      el('soap12:binding', { style: 'document', transport: 'http://schemas.xmlsoap.org/soap/http' }),
      ...ops.map(([op, inputAction]) =>
        el(
          'operation',
          { name: op },
          el('soap12:operation', { soapAction: inputAction }),
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
