import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { ZodType } from 'zod';
import type { ServiceNowConfig } from '../../src/config/schema-itsm.ts';
import { networkError, responseError, unexpectedBody } from './errors.ts';
import { oauthTokens } from './oauth.ts';

export interface ServiceNowClientOptions {
  /** Per request; DESIGN §8 wants a timeout on every remote call. Default 30 s. */
  timeoutMs?: number;
  now?: () => Date;
}

export type ServiceNowRequest = Pick<AxiosRequestConfig, 'method' | 'url' | 'params' | 'data'>;

export type ServiceNowClient = <T>(schema: ZodType<T>, what: string, request: ServiceNowRequest) => Promise<T>;

/**
 * The one door to the instance: basic auth, or a Bearer token from the OAuth password grant when
 * `oauth` is configured. Every failure leaves as a TicketingError; every success is checked
 * against the schema of the fields patchbot reads.
 */
export const serviceNowClient = (config: ServiceNowConfig, options: ServiceNowClientOptions = {}): ServiceNowClient => {
  const now = options.now ?? (() => new Date());
  const instanceUrl = config.instanceUrl.replace(/\/+$/, '');
  const http = axios.create({
    baseURL: instanceUrl,
    timeout: options.timeoutMs ?? 30_000,
    headers: { Accept: 'application/json' },
    // Statuses are ours to translate; axios must not throw its own errors for them.
    validateStatus: () => true,
    maxRedirects: 0,
  });
  const tokens = config.oauth ? oauthTokens(http, { instanceUrl, username: config.username, password: config.password, ...config.oauth }, now) : null;

  const send = async (request: ServiceNowRequest, what: string): Promise<AxiosResponse> => {
    const auth = tokens ? {} : { auth: { username: config.username, password: config.password } };
    const headers = tokens ? { Authorization: `Bearer ${await tokens.get()}` } : {};
    try {
      return await http.request({ ...request, ...auth, headers });
    } catch (error) {
      throw networkError(error, what, instanceUrl);
    }
  };

  return async (schema, what, request) => {
    let response = await send(request, what);
    if (response.status === 401 && tokens) {
      tokens.invalidate();
      response = await send(request, what);
    }
    if (response.status < 200 || response.status > 299) {
      throw responseError({ status: response.status, data: response.data, headers: response.headers }, what, now());
    }
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) throw unexpectedBody(what, response.status);
    return parsed.data;
  };
};
