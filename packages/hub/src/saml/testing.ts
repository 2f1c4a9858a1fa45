import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * A real SAML service provider for tests: Debian's Apache with mod_auth_mellon, run in the foreground
 * as its own process on a free port, protecting `/protected/` — whose page (SSI) prints what mellon
 * received: the NameID and the hub's attributes. Tests only; never linked into our code.
 */
export const APACHE = '/usr/sbin/apache2';
export const MELLON = '/usr/lib/apache2/modules/mod_auth_mellon.so';

/** Why the mellon tests cannot run here, or null. In CI a missing Apache is a failure. */
export function mellonMissing(): string | null {
  if (existsSync(APACHE) && existsSync(MELLON) && existsSync('/usr/bin/xmlsec1')) return null;
  const why =
    'apache2, libapache2-mod-auth-mellon and xmlsec1 are needed (apt-get install -y apache2 libapache2-mod-auth-mellon xmlsec1)';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`CI: ${why}`);
  return why;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Attribute → environment variable the page prints (mellon's MellonSetEnvNoPrefix). */
export const MELLON_ATTRIBUTES = {
  SUBJECT_NAME: 'urn:oasis:names:tc:xspa:1.0:subject:subject-id',
  ORGANIZATION_ID: 'urn:oasis:names:tc:xspa:1.0:subject:organization-id',
  ROLE: 'urn:oasis:names:tc:xacml:2.0:subject:role',
  PURPOSE: 'urn:oasis:names:tc:xspa:1.0:subject:purposeofuse',
  HC_ROLE: 'urn:oid:1.2.392.100495.1.6.1.1',
} as const;

export interface MellonSp {
  url: string;
  entityId: string;
  metadataFile: string;
  keyFile: string;
  stop(): Promise<void>;
  errorLog(): Promise<string>;
}

/** Makes the SP's key and metadata (mellon_create_metadata); the IdP's metadata is written later by `start`. */
export interface PreparedSp {
  port: number;
  entityId: string;
  metadataFile: string;
  keyFile: string;
  certFile: string;
  tls: boolean;
}

export async function prepareMellon(dir: string, options: { tls?: boolean } = {}): Promise<PreparedSp> {
  const port = await freePort();
  // A browser needs HTTPS: mellon's login cookie is SameSite=None, which browsers keep only when Secure.
  const scheme = options.tls ? 'https' : 'http';
  const entityId = `${scheme}://127.0.0.1:${port}/`;
  execFileSync('mellon_create_metadata', [entityId, `${scheme}://127.0.0.1:${port}/mellon`], {
    cwd: dir,
    stdio: 'ignore',
  });
  const base = (await readdir(dir)).find((f) => f.endsWith('.xml'))?.replace(/\.xml$/, '');
  if (!base) throw new Error('mellon_create_metadata wrote no metadata');
  return {
    port,
    entityId,
    metadataFile: join(dir, `${base}.xml`),
    keyFile: join(dir, `${base}.key`),
    certFile: join(dir, `${base}.cert`),
    tls: options.tls === true,
  };
}

/**
 * `cookie`: mellon's cookie name (MellonVariable; default `cookie`, so `mellon-cookie`). Cookies ignore the
 * port: two SPs on one host need two names, as they would in a browser.
 */
export async function startMellon(
  dir: string,
  sp: PreparedSp,
  idpMetadataXml: string,
  cookie = 'cookie',
): Promise<MellonSp> {
  const modules = '/usr/lib/apache2/modules';
  await writeFile(join(dir, 'idp.xml'), idpMetadataXml);
  await writeFile(
    join(dir, 'index.shtml'),
    `<html lang="ja"><head><meta charset="utf-8"><title>SP</title></head><body><dl>\n<dt>nameid</dt><dd id="nameid"><!--#echo var="MELLON_NAME_ID" --></dd>\n${Object.keys(
      MELLON_ATTRIBUTES,
    )
      .map((k) => `<dt>${k}</dt><dd id="${k}"><!--#echo var="${k}" --></dd>`)
      .join('\n')}\n</dl></body></html>\n`,
  );
  let tlsConf = '';
  if (sp.tls) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-days',
        '2',
        '-keyout',
        join(dir, 'tls.key'),
        '-out',
        join(dir, 'tls.crt'),
      ],
      { stdio: 'ignore' },
    );
    tlsConf = `LoadModule socache_shmcb_module ${modules}/mod_socache_shmcb.so
LoadModule ssl_module ${modules}/mod_ssl.so
SSLEngine on
SSLCertificateFile ${dir}/tls.crt
SSLCertificateKeyFile ${dir}/tls.key
`;
  }
  const setEnv = Object.entries(MELLON_ATTRIBUTES)
    .map(([env, attribute]) => `  MellonSetEnvNoPrefix "${env}" "${attribute}"`)
    .join('\n');
  const conf = `ServerRoot "${dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:${sp.port}
PidFile ${dir}/httpd.pid
ErrorLog ${dir}/error.log
LogLevel warn auth_mellon:info
User www-data
Group www-data
LoadModule mpm_event_module ${modules}/mod_mpm_event.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
LoadModule authn_core_module ${modules}/mod_authn_core.so
LoadModule authz_user_module ${modules}/mod_authz_user.so
LoadModule include_module ${modules}/mod_include.so
LoadModule alias_module ${modules}/mod_alias.so
LoadModule auth_mellon_module ${modules}/mod_auth_mellon.so
${tlsConf}DocumentRoot "${dir}"
AddDefaultCharset utf-8
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory "${dir}">
  Require all granted
</Directory>
<Location />
  MellonEnable info
  MellonEndpointPath /mellon
  MellonSPPrivateKeyFile ${sp.keyFile}
  MellonSPCertFile ${sp.certFile}
  MellonSPMetadataFile ${sp.metadataFile}
  MellonIdPMetadataFile ${dir}/idp.xml
  MellonSecureCookie ${sp.tls ? 'On' : 'Off'}
  MellonVariable ${cookie}
${setEnv}
</Location>
Alias /protected/ "${dir}/"
<Location /protected/>
  AuthType Mellon
  MellonEnable auth
  Require valid-user
  Options +Includes
  SetOutputFilter INCLUDES
</Location>
`;
  await writeFile(join(dir, 'httpd.conf'), conf);
  // Apache drops to www-data: it must read the folder (a test folder: the SP's key is a test key) and
  // pass through the test's folder around it (mkdtemp makes it 0700).
  await chmod(dirname(dir), 0o711);
  await chmod(dir, 0o755);
  for (const f of await readdir(dir)) await chmod(join(dir, f), 0o644);
  const child: ChildProcess = spawn(APACHE, ['-f', join(dir, 'httpd.conf'), '-D', 'FOREGROUND'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, APACHE_RUN_DIR: dir, APACHE_LOCK_DIR: dir, APACHE_LOG_DIR: dir },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = `${sp.tls ? 'https' : 'http'}://127.0.0.1:${sp.port}`;
  for (let i = 0; ; i++) {
    try {
      await listening(sp.port);
      break;
    } catch {
      if (child.exitCode !== null || i > 100) {
        throw new Error(
          `apache did not start: ${stderr}${await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    entityId: sp.entityId,
    metadataFile: sp.metadataFile,
    keyFile: sp.keyFile,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    errorLog: () => readFile(join(dir, 'error.log'), 'utf8').catch(() => ''),
  };
}

/** Cookies of one browser, by name (the hub and the SP are on one host). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
  /** A new jar without these cookies (a cross-site request: the Strict session cookie stays home). */
  without(...names: string[]): CookieJar {
    const jar = new CookieJar();
    for (const [n, v] of this.cookies) if (!names.includes(n)) jar.cookies.set(n, v);
    return jar;
  }
  /** A new jar with only these cookies (the same hub session, a fresh SP session). */
  only(...names: string[]): CookieJar {
    const jar = new CookieJar();
    for (const n of names) {
      const v = this.cookies.get(n);
      if (v !== undefined) jar.cookies.set(n, v);
    }
    return jar;
  }
}

/** The SAML POST form of an IdP page: its action and fields. */
export function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in: ${html.slice(0, 300)}`);
  const unescapeXml = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1] ?? ''] = unescapeXml(m[2] ?? '');
  return { action: unescapeXml(action), fields };
}

/** Resolves once something accepts TCP connections on the port. */
function listening(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve();
    });
    socket.on('error', reject);
  });
}
