import { openMemoryStore } from '../../shared/adapters/embedded/MemoryStore';
import { describeStoreContract } from './storeContract';

describeStoreContract('MemoryStore', () => Promise.resolve({ store: openMemoryStore() }), { durable: false, reads: 'frozen' });
