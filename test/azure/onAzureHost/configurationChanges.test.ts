/**
 * The configuration-change suite of the embedded host, run on the Azure host's composition (one
 * instance: its own writes drop its copies at once). See test/support/azureTestRouter.ts.
 */
process.env['JOBROUTER_TEST_HOST'] = 'azure';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the suite registers its tests here
require('../../api/configurationChanges.test');
