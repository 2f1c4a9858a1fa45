import type { FetchLike } from './upload';

/**
 * `fetch` through XMLHttpRequest, for the one thing fetch cannot do: say how much of a request's body
 * has been sent (the progress bar moves within a 4 MB chunk on a slow connection). A network error
 * rejects with a TypeError as fetch does; an abort with an AbortError.
 */
export const xhrFetch: FetchLike = (url, init) =>
  new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init.method ?? 'GET', url);
    xhr.withCredentials = init.credentials === 'include';
    new Headers(init.headers).forEach((value, key) => {
      xhr.setRequestHeader(key, value);
    });
    xhr.responseType = 'text';
    const progress = init.onUploadProgress;
    if (progress) xhr.upload.onprogress = (event) => progress(event.loaded);
    const signal = init.signal;
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      done();
      const headers = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      const empty = [204, 205, 304].includes(xhr.status) || (init.method ?? 'GET') === 'HEAD';
      try {
        resolve(new Response(empty ? null : xhr.responseText, { status: xhr.status, headers }));
      } catch {
        reject(new TypeError('unreadable answer'));
      }
    };
    xhr.onerror = () => {
      done();
      reject(new TypeError('network error'));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(new DOMException('aborted', 'AbortError'));
    };
    if (signal?.aborted) {
      xhr.abort();
      return;
    }
    xhr.send((init.body as XMLHttpRequestBodyInit | null | undefined) ?? null);
  });
