// @azure/identity ManagedIdentityCredential against the mock IdP's IMDS endpoint, reached through AZURE_POD_IDENTITY_AUTHORITY_HOST.
import { managedIdentityTests } from './lib/managed_identity_cases.mjs';

managedIdentityTests('imds');
