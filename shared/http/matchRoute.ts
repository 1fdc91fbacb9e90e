import type { HttpMethod, Operation } from './Operation';
import { badRequest, methodNotAllowed, notFound } from './errors';

interface Segment {
  literal?: string;
  param?: string;
  /** `:verb` suffix of an action segment such as `{jobId}:cancel`. */
  verb?: string;
}

interface CompiledRoute {
  operation: Operation;
  segments: Segment[];
}

export interface RouteMatch {
  operation: Operation;
  params: Record<string, string>;
}

function compile(path: string): Segment[] {
  return path
    .split('/')
    .slice(1)
    .map((part) => {
      const match = /^\{(\w+)\}(?::(\w+))?$/.exec(part);
      if (!match) return { literal: part };
      return match[2] ? { param: match[1], verb: match[2] } : { param: match[1] };
    });
}

function decodeSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .slice(1)
    .map((raw) => {
      try {
        return decodeURIComponent(raw);
      } catch {
        throw badRequest(`The path segment "${raw}" has malformed percent-encoding.`);
      }
    });
}

function matchSegments(route: CompiledRoute, segments: string[]): Record<string, string> | undefined {
  if (route.segments.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, template] of route.segments.entries()) {
    const value = segments[index] ?? '';
    if (template.literal !== undefined) {
      if (value !== template.literal) return undefined;
    } else if (template.verb !== undefined) {
      const suffix = `:${template.verb}`;
      if (!value.endsWith(suffix) || value.length === suffix.length) return undefined;
      params[template.param ?? ''] = value.slice(0, -suffix.length);
    } else {
      // A plain id segment never contains ':' — that is how `/jobs/j1:cancel` reaches the action.
      if (value === '' || value.includes(':')) return undefined;
      params[template.param ?? ''] = value;
    }
  }
  return params;
}

/**
 * Finds the operation for a request from the route table, taking path parameters from the URL
 * itself (percent-decoded per segment) rather than from a host's parameter binding.
 */
export function createRouteMatcher(table: readonly Operation[]) {
  const routes: CompiledRoute[] = table.map((operation) => ({ operation, segments: compile(operation.path) }));
  return (method: string, pathname: string): RouteMatch => {
    const segments = decodeSegments(pathname);
    const candidates = routes.flatMap((route) => {
      const params = matchSegments(route, segments);
      return params ? [{ operation: route.operation, params }] : [];
    });
    if (candidates.length === 0) {
      throw notFound(`No operation at ${pathname}. Paths start with /routing/ (see the Job Router REST API 2023-11-01); ids must not contain ':'.`);
    }
    const match = candidates.find((candidate) => candidate.operation.method === (method.toUpperCase() as HttpMethod));
    if (!match) {
      const allowed = [...new Set(candidates.map((c) => c.operation.method))].join(', ');
      throw methodNotAllowed(`${method.toUpperCase()} is not supported on ${pathname}; use ${allowed}.`);
    }
    return match;
  };
}
