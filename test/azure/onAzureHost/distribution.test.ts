/**
 * The distribution suite of the embedded host, run on the Azure host's composition: Functions HTTP handler,
 * Cosmos store (local Cosmos server), Service Bus matcher (AMQP test broker, real client), Durable timer
 * orchestrations (Durable stand-in). See test/support/azureTestRouter.ts.
 */
process.env['JOBROUTER_TEST_HOST'] = 'azure';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the suite registers its tests here
require('../../api/distribution.test');
