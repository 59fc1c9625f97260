export { S3RVER_CREDENTIALS, type S3TestServer, startS3TestServer } from './s3-test-server.js';
