import axios, { type AxiosRequestConfig } from 'axios';
import type { ZodType } from 'zod';
import type { JiraConfig } from '../../src/config/schema-itsm.ts';
import { networkError, responseError, unexpectedBody } from './errors.ts';

export interface JiraClientOptions {
  /** Per request; default 30 s. */
  timeoutMs?: number;
  now?: () => Date;
}

export type JiraRequest = Pick<AxiosRequestConfig, 'method' | 'url' | 'params' | 'data'>;

export interface JiraClient {
  /** `/rest/api/3` on Cloud, `/rest/api/2` on Data Center. */
  readonly api: string;
  readonly cloud: boolean;
  /** Sends, translates failures to TicketingError, and checks the 2xx body against `schema`. */
  call<T>(schema: ZodType<T>, what: string, request: JiraRequest): Promise<T>;
  /** The same for answers whose body patchbot does not read (204 to a transition). */
  send(what: string, request: JiraRequest): Promise<void>;
}

/**
 * Cloud: Basic email:apiToken (Atlassian accounts take no passwords). Data Center: Bearer with a
 * personal access token when one is set, else Basic username:password given as email/apiToken.
 */
const authHeader = (config: JiraConfig): string => {
  const cloud = config.deployment === 'cloud';
  if (!cloud && config.personalAccessToken) return `Bearer ${config.personalAccessToken}`;
  return `Basic ${Buffer.from(`${config.email ?? ''}:${config.apiToken ?? ''}`).toString('base64')}`;
};

export const jiraClient = (config: JiraConfig, options: JiraClientOptions = {}): JiraClient => {
  const now = options.now ?? (() => new Date());
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const cloud = config.deployment === 'cloud';
  const http = axios.create({
    baseURL: baseUrl,
    timeout: options.timeoutMs ?? 30_000,
    headers: { Accept: 'application/json', Authorization: authHeader(config) },
    validateStatus: () => true,
    maxRedirects: 0,
  });

  const send = async (what: string, request: JiraRequest) => {
    let response;
    try {
      response = await http.request(request);
    } catch (error) {
      throw networkError(error, what, baseUrl);
    }
    if (response.status < 200 || response.status > 299) {
      throw responseError({ status: response.status, data: response.data, headers: response.headers }, what, now());
    }
    return response;
  };

  return {
    api: cloud ? '/rest/api/3' : '/rest/api/2',
    cloud,
    async call(schema, what, request) {
      const response = await send(what, request);
      const parsed = schema.safeParse(response.data);
      if (!parsed.success) throw unexpectedBody(what, response.status);
      return parsed.data;
    },
    async send(what, request) {
      await send(what, request);
    },
  };
};
