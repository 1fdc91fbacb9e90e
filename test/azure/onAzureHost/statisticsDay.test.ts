/**
 * The statistics day of the embedded host, run on the Azure host's composition: Functions HTTP handler,
 * Cosmos store (local Cosmos server), Service Bus matcher (AMQP test broker, real client), Durable timer
 * orchestrations (Durable stand-in). Its answers must equal the embedded run's fixture.
 */
process.env['JOBROUTER_TEST_HOST'] = 'azure';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the suite registers its tests here
require('../../api/statisticsDay.test');
