export { default } from '../global-teardown';
