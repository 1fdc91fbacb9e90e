#!/usr/bin/env node
// jobrouter-call: one signed request to a Job Router, for trying the API without an SDK.
//   JOBROUTER_CONNECTION_STRING='endpoint=https://127.0.0.1:8080;accesskey=…' npx jobrouter-call GET /routing/queues
// Plain JavaScript with no dependencies so that it runs on a fresh clone before anything is built.
// It signs exactly as the SDKs do (HMAC-SHA256 over verb, path and query, x-ms-date, host and the body's SHA-256).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');
const tls = require('node:tls');

const API_VERSION = '2023-11-01';
const USAGE = `Usage: jobrouter-call METHOD PATH [BODY]
  METHOD  GET, PATCH, POST, PUT or DELETE
  PATH    e.g. /routing/queues or /routing/jobs/job-1 (api-version=${API_VERSION} is added when missing)
  BODY    JSON text, @file to read it from a file, or - to read standard input
Environment:
  JOBROUTER_CONNECTION_STRING  endpoint=https://host:port;accesskey=KEY (printed by npm start)
  JOBROUTER_CA_FILE            CA certificate to trust (default: <JOBROUTER_DATA_DIR or ./data>/tls/ca.pem when it exists;
                               NODE_EXTRA_CA_CERTS is honoured too)`;

function fail(message, code = 2) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** endpoint and key, read as the SDKs read a connection string (keys case-insensitive, `;`-separated). */
function parseConnectionString(text) {
  const parts = {};
  for (const element of text.split(';')) {
    const at = element.indexOf('=');
    if (at > 0) parts[element.slice(0, at).trim().toLowerCase()] = element.slice(at + 1).trim();
  }
  if (!parts.endpoint || !parts.accesskey) fail('JOBROUTER_CONNECTION_STRING must look like endpoint=https://127.0.0.1:8080;accesskey=KEY (npm start prints it).');
  return { endpoint: parts.endpoint.replace(/\/+$/, ''), accessKey: parts.accesskey };
}

function readBody(argument) {
  if (argument === undefined) return '';
  if (argument === '-') return fs.readFileSync(0, 'utf8');
  if (argument.startsWith('@')) return fs.readFileSync(argument.slice(1), 'utf8');
  return argument;
}

/** The router's generated CA, added to (not replacing) the usual trusted roots. */
function trustedCertificates() {
  const file = process.env.JOBROUTER_CA_FILE || path.join(process.env.JOBROUTER_DATA_DIR || 'data', 'tls', 'ca.pem');
  if (!fs.existsSync(file)) {
    if (process.env.JOBROUTER_CA_FILE) fail(`JOBROUTER_CA_FILE=${file} does not exist.`);
    return undefined; // node's own roots plus NODE_EXTRA_CA_CERTS
  }
  // Giving `ca` replaces node's trust list, NODE_EXTRA_CA_CERTS included: keep that file's CAs too.
  const extra = process.env.NODE_EXTRA_CA_CERTS && fs.existsSync(process.env.NODE_EXTRA_CA_CERTS) ? [fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8')] : [];
  return [...tls.rootCertificates, ...extra, fs.readFileSync(file, 'utf8')];
}

/** The headers the router checks; the string to sign is the one every Job Router SDK builds. */
function sign(method, url, body, accessKey) {
  const date = new Date().toUTCString();
  const contentHash = crypto.createHash('sha256').update(body, 'utf8').digest('base64');
  const pathAndQuery = url.search ? `${url.pathname}${url.search}` : url.pathname;
  const stringToSign = `${method}\n${pathAndQuery}\n${date};${url.host};${contentHash}`;
  const signature = crypto.createHmac('sha256', Buffer.from(accessKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

function main() {
  const [methodArgument, pathArgument, bodyArgument] = process.argv.slice(2);
  if (!methodArgument || !pathArgument || methodArgument === '--help' || methodArgument === '-h') fail(USAGE, methodArgument ? 0 : 2);
  const method = methodArgument.toUpperCase();
  if (!['GET', 'PATCH', 'POST', 'PUT', 'DELETE'].includes(method)) fail(`Unknown method ${methodArgument}.\n${USAGE}`);
  if (!process.env.JOBROUTER_CONNECTION_STRING) fail(`Set JOBROUTER_CONNECTION_STRING (npm start prints it).\n${USAGE}`);
  const { endpoint, accessKey } = parseConnectionString(process.env.JOBROUTER_CONNECTION_STRING);
  const url = new URL(pathArgument.startsWith('/') ? `${endpoint}${pathArgument}` : `${endpoint}/${pathArgument}`);
  if (!url.searchParams.has('api-version')) url.searchParams.append('api-version', API_VERSION);
  // Normalised as the SDKs normalise it (URLSearchParams), and sent exactly as signed.
  url.search = url.searchParams.toString();
  const body = readBody(bodyArgument);
  const headers = { ...sign(method, url, body, accessKey) };
  if (body) headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  const transport = url.protocol === 'https:' ? https : http;
  const request = transport.request(url, { method, headers, ca: url.protocol === 'https:' ? trustedCertificates() : undefined }, (response) => {
    const chunks = [];
    response.on('data', (chunk) => chunks.push(chunk));
    response.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      process.stderr.write(`HTTP ${response.statusCode}\n`);
      let output = text;
      try {
        if (text) output = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: printed as it came
      }
      if (output) process.stdout.write(`${output}\n`);
      process.exitCode = response.statusCode >= 200 && response.statusCode < 300 ? 0 : 1;
    });
  });
  request.on('error', (error) => {
    const hint =
      error.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || error.code === 'SELF_SIGNED_CERT_IN_CHAIN' || error.code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
        ? ' (the router\'s CA is not trusted: set JOBROUTER_CA_FILE to the ca.pem that npm start printed)'
        : error.code === 'ECONNREFUSED'
          ? ' (is the router running, and is the endpoint in JOBROUTER_CONNECTION_STRING its address?)'
          : '';
    fail(`Request failed: ${error.message}${hint}`, 1);
  });
  request.end(body);
}

main();
