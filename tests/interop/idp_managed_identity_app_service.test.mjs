// @azure/identity ManagedIdentityCredential against the mock IdP's App Service endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER).
import { managedIdentityTests } from './lib/managed_identity_cases.mjs';

managedIdentityTests('app_service');
